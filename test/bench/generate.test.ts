import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import PostalMime from 'postal-mime';
import type { Address } from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../support/run-command.ts';
import {
  generateLargeMessage,
  generateMailbox,
  generateMessage,
  HEADER_MAX,
  HEADER_MIN,
  LARGE_MESSAGE_MIN,
} from '../../bench/generate.ts';

const MB = 1024 * 1024;
const latin1 = new TextDecoder('latin1');
const text = (b: Uint8Array) => latin1.decode(b);
const headerBlock = (s: string) => s.slice(0, s.indexOf('\r\n\r\n') + 4);
const sha = (list: Iterable<Uint8Array>) => {
  const h = createHash('sha256');
  for (const b of list) h.update(b);
  return h.digest('hex');
};
const first = (a: Address | undefined) => (a && !a.group ? a : undefined);

// One sample of 5,000 messages (about 70 MB), generated once and shared.
const SEED = 42;
const sample = [...generateMailbox({ count: 5000, seed: SEED })];

describe('generateMessage / generateMailbox', () => {
  it('gives identical bytes for the same seed and index', () => {
    for (let i = 0; i < 50; i++) expect(generateMessage(SEED, i)).toEqual(sample[i]!.bytes);
    expect(sha([...generateMailbox({ count: 300, seed: 7 })].map((m) => m.bytes))).toBe(
      sha([...generateMailbox({ count: 300, seed: 7 })].map((m) => m.bytes)),
    );
  });

  it('gives the same bytes in a fresh process (no hidden state, no Math.random)', async () => {
    const module = fileURLToPath(new URL('../../bench/generate.ts', import.meta.url));
    const script =
      `import { generateMessage } from ${JSON.stringify(module)};` +
      `import { createHash } from 'node:crypto';` +
      `const h = createHash('sha256'); for (let i = 0; i < 40; i++) h.update(generateMessage(${SEED}, i));` +
      `process.stdout.write(h.digest('hex'));`;
    const { code, stdout: out, stderr } = await runCommand(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
    expect(code, stderr).toBe(0);
    expect(out).toBe(sha(sample.slice(0, 40).map((m) => m.bytes)));
  });

  it('makes message i independent of the mailbox size, and seeds distinct', () => {
    const small = [...generateMailbox({ count: 5, seed: SEED })];
    small.forEach((m, i) => expect(m.bytes).toEqual(sample[i]!.bytes));
    expect(small.map((m) => m.name)).toEqual(['000001.eml', '000002.eml', '000003.eml', '000004.eml', '000005.eml']);
    expect(generateMessage(SEED + 1, 0)).not.toEqual(sample[0]!.bytes);
    expect(new Set(sample.slice(0, 500).map((m) => sha([m.bytes]))).size).toBe(500);
  });

  it('keeps every header block within 1-4 KB', () => {
    const sizes = sample.map((m) => headerBlock(text(m.bytes)).length);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(HEADER_MIN);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(HEADER_MAX);
  });

  it('writes CRLF only, lines of at most 998 octets, 8-bit bytes only where declared', () => {
    for (const { bytes } of sample.slice(0, 1000)) {
      const s = text(bytes);
      expect(s.endsWith('\r\n')).toBe(true);
      expect(/[^\r]\n|\r[^\n]/.test(s)).toBe(false);
      expect(s.split('\r\n').every((l) => l.length <= 998)).toBe(true);
      expect(/[^\x00-\x7f]/.test(headerBlock(s))).toBe(false);
      if (/[\x80-\xff]/.test(s)) expect(s).toMatch(/Content-Transfer-Encoding: 8bit/);
    }
  });

  it('has realistic headers: Received chains, DKIM, ARC, List-*, encoded subjects', () => {
    const heads = sample.slice(0, 1000).map((m) => headerBlock(text(m.bytes)));
    const share = (re: RegExp) => heads.filter((h) => re.test(h)).length / heads.length;
    expect(heads.every((h) => /^Received: from /m.test(h))).toBe(true);
    expect(heads.every((h) => /^Message-ID: <[^<>\s]+@[^<>\s]+>\r$/m.test(h))).toBe(true);
    expect(share(/^DKIM-Signature: v=1;/m)).toBeGreaterThan(0.5);
    expect(share(/^ARC-Seal: i=1;/m)).toBeGreaterThan(0.2);
    expect(share(/^List-Unsubscribe: /m)).toBeGreaterThan(0.2);
    expect(share(/^Subject: .*=\?UTF-8\?[BQ]\?/m)).toBeGreaterThan(0.05);
    expect(share(/^In-Reply-To: /m)).toBeGreaterThan(0.05);
  });

  it('has dates that move forward with the index', async () => {
    const dates: number[] = [];
    for (const { bytes } of sample.slice(0, 200)) dates.push(Date.parse((await PostalMime.parse(bytes)).date ?? ''));
    expect(dates.every((d) => !Number.isNaN(d))).toBe(true);
    expect(dates).toEqual([...dates].sort((a, b) => a - b));
    expect(dates.at(-1)! - dates[0]!).toBeGreaterThan(24 * 3600 * 1000);
  });

  it('mixes plain, HTML, alternative, related and mixed structures', () => {
    const heads = sample.map((m) => headerBlock(text(m.bytes)));
    for (const type of ['text/plain', 'text/html', 'multipart/alternative', 'multipart/related', 'multipart/mixed']) {
      const n = heads.filter((h) => h.includes(`\r\nContent-Type: ${type}`)).length;
      expect(n, type).toBeGreaterThan(sample.length * 0.02);
    }
  });

  it('sizes bodies mostly 2-50 KB, with about 1 in 500 of 2-5 MB', () => {
    const large = sample.filter((m) => m.bytes.length > MB);
    expect(large.length).toBeGreaterThanOrEqual(3);
    expect(large.length).toBeLessThanOrEqual(25);
    for (const m of large) {
      expect(m.bytes.length).toBeGreaterThanOrEqual(2 * MB);
      expect(m.bytes.length).toBeLessThanOrEqual(5 * MB + 16 * 1024);
    }
    const bodies = sample
      .filter((m) => m.bytes.length <= MB)
      .map((m) => m.bytes.length - headerBlock(text(m.bytes)).length)
      .sort((a, b) => a - b);
    const inRange = bodies.filter((n) => n >= 2 * 1024 && n <= 50 * 1024).length;
    expect(inRange / bodies.length).toBeGreaterThan(0.9);
    const median = bodies[bodies.length >> 1]!;
    expect(median).toBeGreaterThan(5 * 1024);
    expect(median).toBeLessThan(30 * 1024);
  });

  it('parses every message with postal-mime, attachments at their declared size', async () => {
    const large = sample.filter((m) => m.bytes.length > MB).slice(0, 3);
    for (const { name, bytes } of [...sample.slice(0, 600), ...large]) {
      const email = await PostalMime.parse(bytes);
      const from = first(email.from);
      expect(from?.address, name).toMatch(/@([a-z0-9-]+\.)*example\.(com|org|net)$/);
      expect(email.subject?.length, name).toBeGreaterThan(0);
      expect(Number.isNaN(Date.parse(email.date ?? '')), name).toBe(false);
      expect(Boolean(email.text || email.html), name).toBe(true);
      expect(email.html ?? '', name).not.toContain('=3D');
      const declared = [...text(bytes).matchAll(/\bsize=(\d+);/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
      const decoded = email.attachments
        .filter((a) => a.disposition === 'attachment')
        .map((a) => (a.content as ArrayBuffer).byteLength)
        .sort((a, b) => a - b);
      expect(decoded, name).toEqual(declared);
    }
  });

  it('decodes encoded-word subjects to non-ASCII text', async () => {
    const encoded = sample.filter((m) => /^Subject: .*=\?UTF-8\?/m.test(headerBlock(text(m.bytes)))).slice(0, 30);
    expect(encoded.length).toBe(30);
    for (const { bytes } of encoded) {
      const subject = (await PostalMime.parse(bytes)).subject ?? '';
      expect(subject).toMatch(/[^\x00-\x7f]/);
      expect(subject).not.toContain('=?');
    }
  });

  it('refuses a bad seed, index or count with a coded error', () => {
    expect(() => generateMessage(1.5, 0)).toThrow(/GENERATE_BAD_ARGUMENT/);
    expect(() => generateMessage(1, -1)).toThrow(/GENERATE_BAD_ARGUMENT/);
    expect(() => [...generateMailbox({ count: -1, seed: 1 })]).toThrow(/GENERATE_BAD_ARGUMENT/);
  });
});

describe('generateLargeMessage', () => {
  it('is exactly the requested size for every remainder', async () => {
    for (let size = LARGE_MESSAGE_MIN; size < LARGE_MESSAGE_MIN + 90; size++) {
      const bytes = generateLargeMessage(size, 3);
      expect(bytes.length).toBe(size);
      expect(/[^\r]\n|\r[^\n]/.test(text(bytes))).toBe(false);
      const email = await PostalMime.parse(bytes);
      expect(email.attachments).toHaveLength(1);
    }
  });

  it('makes a deterministic 20 MB message that parses into one large attachment', async () => {
    const bytes = generateLargeMessage(20 * MB, 9);
    expect(bytes.length).toBe(20 * MB);
    expect(sha([bytes])).toBe(sha([generateLargeMessage(20 * MB, 9)]));
    expect(sha([bytes])).not.toBe(sha([generateLargeMessage(20 * MB, 10)]));
    const s = text(bytes);
    const head = headerBlock(s).length;
    expect(head).toBeGreaterThanOrEqual(HEADER_MIN);
    expect(head).toBeLessThanOrEqual(HEADER_MAX);
    expect(s.split('\r\n').every((l) => l.length <= 998)).toBe(true);
    const email = await PostalMime.parse(bytes);
    const size = (email.attachments[0]!.content as ArrayBuffer).byteLength;
    // base64 in 76-character lines: 57 octets per 78 on the wire
    expect(size).toBeGreaterThan((57 / 78) * 20 * MB - 8 * 1024);
    expect(size).toBeLessThanOrEqual((57 / 78) * 20 * MB);
  });

  it('refuses a size too small to hold a message', () => {
    expect(() => generateLargeMessage(LARGE_MESSAGE_MIN - 1, 1)).toThrow(/GENERATE_BAD_ARGUMENT/);
  });
});
