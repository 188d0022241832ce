import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { z } from 'zod';
import {
  AccountInfo, AddAccountRequest, ClientMessage, ErrorCode, PublicConfig, ResultSchemas, ServerEvent, ServerMessage, SessionInfo, SignInRequest,
} from '../../shared/api/index.ts';

const doc = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');

/** Splits the doc into `### \`name\`` sections under a `## Title`. */
function sections(title: string): Map<string, string> {
  const part = doc.split(/^## /m).find((s) => s.startsWith(title + '\n'));
  if (!part) throw new Error(`docs/api.md has no "## ${title}"`);
  const out = new Map<string, string>();
  for (const s of part.split(/^### /m).slice(1)) {
    const name = /^`([^`]+)`/.exec(s)?.[1];
    if (name) out.set(name, s);
  }
  return out;
}

function blocks(text: string, info: string): unknown[] {
  const re = new RegExp('```json ' + info.replace(':', '\\:') + '\\n([\\s\\S]*?)```', 'g');
  return [...text.matchAll(re)].map((m) => JSON.parse(m[1]!));
}

const typesOf = (u: { options: readonly z.ZodObject[] }) =>
  u.options.map((o) => [...(o.shape.type as unknown as { values: Set<string> }).values][0]!).sort();

describe('docs/api.md matches shared/api', () => {
  test('every request type is documented with a valid request and result example, and nothing else', () => {
    const docs = sections('Requests');
    expect([...docs.keys()].sort()).toEqual(typesOf(ClientMessage));
    for (const [type, text] of docs) {
      const requests = blocks(text, 'request');
      const results = blocks(text, 'result');
      expect(requests.length, `${type}: request example`).toBeGreaterThan(0);
      expect(results.length, `${type}: result example`).toBeGreaterThan(0);
      for (const r of requests) {
        const parsed = ClientMessage.safeParse(r);
        expect(parsed.error?.issues ?? [], `${type} request example`).toEqual([]);
        expect((r as { type: string }).type).toBe(type);
      }
      const schema = ResultSchemas[type as keyof typeof ResultSchemas];
      for (const r of results) expect(schema.safeParse(r).error?.issues ?? [], `${type} result example`).toEqual([]);
    }
  });

  test('every event type is documented with a valid example, and nothing else', () => {
    const docs = sections('Events');
    expect([...docs.keys()].sort()).toEqual(typesOf(ServerEvent));
    for (const [type, text] of docs) {
      const examples = blocks(text, 'event');
      expect(examples.length, `${type}: event example`).toBeGreaterThan(0);
      for (const e of examples) {
        expect(ServerEvent.safeParse(e).error?.issues ?? [], `${type} example`).toEqual([]);
        expect((e as { type: string }).type).toBe(type);
      }
    }
  });

  test('reply and HTTP examples validate', () => {
    const replies = blocks(doc, 'reply');
    expect(replies.length).toBeGreaterThan(1);
    for (const r of replies) expect(ServerMessage.safeParse(r).success).toBe(true);
    const http: Array<[string, z.ZodType]> = [['PublicConfig', PublicConfig], ['SignInRequest', SignInRequest], ['SessionInfo', SessionInfo], ['AccountInfo', AccountInfo], ['AddAccountRequest', AddAccountRequest]];
    for (const [name, schema] of http) {
      const examples = blocks(doc, `http:${name}`);
      expect(examples.length, name).toBe(1);
      expect(schema.safeParse(examples[0]).success, name).toBe(true);
    }
  });

  test('the error code table lists exactly the codes of ErrorCode', () => {
    const part = doc.split(/^## /m).find((s) => s.startsWith('Error codes\n'))!;
    const codes = [...part.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(codes.sort()).toEqual([...ErrorCode.options].sort());
  });

  test('a schema change the doc does not follow is caught (an example with an unknown field fails)', () => {
    expect(ClientMessage.safeParse({ type: 'ping', id: '1', extra: true }).success).toBe(false);
  });
});
