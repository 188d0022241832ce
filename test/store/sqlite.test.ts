import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { SqliteStore } from '../../server/store/sqlite.ts';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

const row = (key: string, subject = key) => ({
  key, size: 10, messageId: `<${key}@x>`,
  summary: { key, from: null, to: [], subject, date: null, size: 10, hasAttachment: false },
});

describe('SqliteStore', () => {
  test('summaries and seen flags per account, kept across a reopen', () => {
    const dir = mkdtempSync(join(tmpdir(), 'popbridge-store-'));
    dirs.push(dir);
    const s = SqliteStore.open(dir);
    s.put('A', [row('k1'), row('k2')]);
    s.put('B', [row('k1', 'other account')]);
    s.setSeen('A', ['k1'], true);
    s.close();
    const again = SqliteStore.open(dir);
    expect([...again.list('A').keys()].sort()).toEqual(['k1', 'k2']);
    expect(again.get('A', 'k1')?.seen).toBe(true);
    expect(again.get('B', 'k1')?.seen).toBe(false);
    expect(again.get('B', 'k1')?.summary.subject).toBe('other account');
    again.close();
  });

  test('put keeps an existing seen flag unless told; remove deletes only the named keys', () => {
    const s = new SqliteStore(':memory:');
    s.put('A', [row('k1'), row('k2')]);
    s.setSeen('A', ['k1', 'k2'], true);
    s.put('A', [row('k1', 'updated')]);
    expect(s.get('A', 'k1')).toMatchObject({ seen: true, summary: { subject: 'updated' } });
    s.put('A', [{ ...row('k2'), seen: false }]);
    expect(s.get('A', 'k2')?.seen).toBe(false);
    s.remove('A', ['k1']);
    expect([...s.list('A').keys()]).toEqual(['k2']);
    s.close();
  });
});
