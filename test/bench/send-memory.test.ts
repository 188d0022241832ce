import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startFakeSmtp, type FakeSmtp } from '../fixtures/fake-smtp.ts';
import { runCommand } from '../support/run-command.ts';

const MB = 1024 * 1024;
let smtp: FakeSmtp | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await smtp?.stop();
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

// Attachments stream from the upload file to the SMTP server: a 20 MB one
// (about 27 MB once in base64) never sits in the server's memory whole.
it('sending a message with a 20 MB attachment grows the sending process by less than 40 MB', { timeout: 120_000 }, async () => {
  let received = 0;
  smtp = await startFakeSmtp({
    size: 100 * MB,
    onData(stream, _session, callback) {
      stream.on('data', (chunk: Buffer) => { received += chunk.length; });
      stream.on('end', () => callback(null, 'Ok: queued'));
    },
  });
  const dir = mkdtempSync(join(tmpdir(), 'popbridge-send-memory-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'ca.pem'), smtp.caPem);
  const run = await runCommand(process.execPath, [
    '--expose-gc', '--import', 'tsx', 'test/bench/send-memory-child.ts', String(smtp.port), join(dir, 'ca.pem'), join(dir, 'data'), '20',
  ], undefined, { timeoutMs: 100_000 });
  expect(run.code, run.stderr).toBe(0);
  const { growth } = JSON.parse(run.stdout.trim().split('\n').pop()!) as { growth: number };
  console.log(`peak resident memory grew by ${(growth / MB).toFixed(1)} MB`);
  // It arrived whole: 20 MB as about 27 MB of base64.
  expect(received).toBeGreaterThan(27 * MB);
  expect(growth).toBeLessThan(40 * MB);
});
