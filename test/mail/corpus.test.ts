// Every mail of the hard corpus through both readers: the server's fast
// header reader (the list row) and the browser's full parser (the message
// view) must show the same strings, and the strings expected.json names.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { headerBlock, summarize } from '../../server/mailbox/summary.ts';
import { parseMail } from '../../web/lib/mail/parse-core.ts';

const DIR = fileURLToPath(new URL('../fixtures/mail/corpus/', import.meta.url));
const files = readdirSync(DIR).filter((f) => f.endsWith('.eml')).map((f) => f.slice(0, -4)).sort();

interface Expected {
  subject?: string;
  from?: { name: string; address: string };
  to?: Array<{ name: string; address: string }>;
  date?: string;
  hasAttachment?: boolean;
  text?: string;
  exactText?: boolean;
  html?: string;
  attachments?: string[];
  notices?: string[];
}
const expected = JSON.parse(readFileSync(`${DIR}expected.json`, 'utf8')) as Record<string, Expected>;

async function both(name: string) {
  const bytes = new Uint8Array(readFileSync(`${DIR}${name}.eml`));
  const { summary } = summarize(name, bytes.length, headerBlock(bytes));
  const mail = await parseMail(bytes.slice().buffer);
  return { summary, mail };
}

describe('hard mail corpus', () => {
  test('holds at least 40 messages, each with expectations and a README row', () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
    const readme = readFileSync(`${DIR}README.md`, 'utf8');
    for (const name of files) {
      expect(expected[name], name).toBeDefined();
      expect(readme, name).toContain(`\`${name}.eml\``);
    }
  });

  for (const name of files) {
    test(`${name}: list row and message view agree and show what is expected`, async () => {
      const { summary, mail } = await both(name);
      const want = expected[name]!;
      // The row and the view, field by field.
      expect(summary.subject).toBe(mail.subject);
      expect(summary.from).toEqual(mail.from[0] ?? null);
      expect(summary.to).toEqual(mail.to.slice(0, 50));
      expect(summary.date).toBe(mail.date);
      // Nothing shown is a replacement character.
      for (const shown of [mail.subject, mail.text ?? '', mail.html ?? '', ...mail.from.map((a) => a.name), ...mail.to.map((a) => a.name)]) {
        expect(shown).not.toContain('\uFFFD');
      }
      if (want.subject !== undefined) expect(mail.subject).toBe(want.subject);
      if (want.from) expect(mail.from[0]).toEqual(want.from);
      if (want.to) expect(mail.to).toEqual(want.to);
      if (want.date) expect(summary.date).toBe(want.date);
      if (want.hasAttachment !== undefined) expect(summary.hasAttachment).toBe(want.hasAttachment);
      if (want.text !== undefined) {
        if (want.exactText) expect(mail.text).toBe(want.text);
        else expect(mail.text ?? '').toContain(want.text);
      }
      if (want.html) expect(mail.html ?? '').toContain(want.html);
      if (want.attachments) expect(mail.parts.map((p) => p.filename)).toEqual(want.attachments);
      // Notices say what could not be shown, and nothing about mail that is fine.
      expect([...mail.notices].sort()).toEqual([...(want.notices ?? [])].sort());
      // A view always has something to show: text, HTML or a notice.
      expect(Boolean(mail.text?.trim() || mail.html?.trim() || mail.notices.length || mail.parts.length)).toBe(true);
    });
  }
});
