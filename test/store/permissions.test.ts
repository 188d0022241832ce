import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { SqliteStore } from '../../server/store/sqlite.ts';

const parent = mkdtempSync(join(tmpdir(), 'popbridge-perm-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }));
const mode = (p: string) => statSync(p).mode & 0o777;

describe('DATA_DIR permissions', () => {
  // Worker threads cannot set the umask; under one that already hides group and
  // other bits (077) this test could not fail, so it runs only where it can.
  test.skipIf((process.umask() & 0o044) !== 0)('the data dir is created 0700 and the SQLite files 0600, whatever the umask', () => {
    {
      const dir = join(parent, 'data', 'nested');
      const store = SqliteStore.open(dir);
      store.put('a', [{ key: 'k', size: 1, messageId: null, summary: { key: 'k' } as never }]);
      expect(mode(dir)).toBe(0o700);
      for (const f of ['popbridge.sqlite', 'popbridge.sqlite-wal', 'popbridge.sqlite-shm']) expect(mode(join(dir, f))).toBe(0o600);
      store.close();
    }
  });
});
