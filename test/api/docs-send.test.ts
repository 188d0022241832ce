import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { z } from 'zod';
import {
  Draft, DraftInput, Identity, IdentityInput, OutboxQueued, OutboxRequest, OutboxStatus, SentMessage, SentSummary, Upload,
} from '../../shared/api/index.ts';

// The sending part of docs/api.md: every schema of the send contract has an
// example there, and every example validates (docs.test.ts does the same for
// the rest of the API).
const doc = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
const sending = doc.split(/^## /m).find((s) => s.startsWith('Sending\n')) ?? '';

function examples(name: string): unknown[] {
  return [...sending.matchAll(new RegExp('```json http\\:' + name + '\\n([\\s\\S]*?)```', 'g'))].map((m) => JSON.parse(m[1]!));
}

const SCHEMAS: Array<[string, z.ZodType]> = [
  ['Upload', Upload], ['DraftInput', DraftInput], ['Draft', Draft], ['OutboxRequest', OutboxRequest],
  ['OutboxQueued', OutboxQueued], ['OutboxStatus', OutboxStatus], ['SentSummary', SentSummary],
  ['SentMessage', SentMessage], ['IdentityInput', IdentityInput], ['Identity', Identity],
];

const ROUTES = [
  'POST /api/uploads', 'DELETE /api/uploads/:id', 'GET /api/drafts', 'GET /api/drafts/:id', 'PUT /api/drafts/:id',
  'DELETE /api/drafts/:id', 'POST /api/outbox', 'GET /api/outbox/:id', 'DELETE /api/outbox/:id', 'GET /api/sent',
  'GET /api/sent/:id', 'GET /api/identity/:account', 'PUT /api/identity/:account',
];

describe('docs/api.md documents sending', () => {
  test.each(SCHEMAS)('the %s example validates', (name, schema) => {
    const found = examples(name);
    expect(found.length, name).toBeGreaterThan(0);
    for (const example of found) expect(schema.safeParse(example).error?.issues ?? [], name).toEqual([]);
  });

  test('every sending route has a row in the Sending table', () => {
    const rows = [...sending.matchAll(/^\| `([A-Z]+ [^`]+)` \|/gm)].map((m) => m[1]);
    expect(rows.sort()).toEqual([...ROUTES].sort());
  });
});
