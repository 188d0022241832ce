/**
 * Run by send-memory.test.ts in a process of its own (node --expose-gc):
 * stores a 20 MB upload, then sends it as a draft's attachment through
 * Popbridge's send path (sendDraft: uploads, compose, SMTP submission) to
 * the SMTP server on argv's port. Prints how far the process's peak
 * resident memory rose above what it held when the send began.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { sendDraft } from '../../server/send/send-draft.ts';
import { Uploads } from '../../server/send/uploads.ts';
import { SendStore } from '../../server/store/send-store.ts';

const [port, caFile, dataDir, megabytes] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc!;
const smtp = { host: '127.0.0.1', port: Number(port), security: 'tls' as const, ca: readFileSync(caFile!, 'utf8'), fromTemplate: undefined };
const credentials = { username: 'alice@example.test', password: 'secret' };
const store = SendStore.open(dataDir!);
const uploads = new Uploads(dataDir!, { maxBytes: 100 * 1024 * 1024, perAccount: 10 });

/** Kilobytes in /proc/self/status (VmRSS: now, VmHWM: peak since the last reset). */
const status = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;

async function upload(bytes: number): Promise<string> {
  const chunk = Buffer.alloc(64 * 1024, 7);
  const chunks = (function* () {
    for (let left = bytes; left > 0; left -= chunk.length) yield left >= chunk.length ? chunk : chunk.subarray(0, left);
  })();
  return (await uploads.save('a', { filename: 'big.bin', mimetype: 'application/octet-stream', stream: Readable.from(chunks) })).id;
}

async function send(id: string, draftId: string): Promise<void> {
  const input = { to: 'bob@example.test', cc: '', bcc: '', subject: 'Big', text: 'Attached.', attachments: [id] };
  store.putDraft('a', draftId, input, Date.now());
  await sendDraft('a', store.draft('a', draftId)!, smtp, credentials, { store, uploads, now: Date.now });
}

// A small send first: modules, TLS and the JIT warm, so only the large one is measured.
await send(await upload(1024), 'warm');
const big = await upload(Number(megabytes) * 1024 * 1024);
gc();
// Resets the peak (VmHWM) to the present resident size (Linux clear_refs).
writeFileSync('/proc/self/clear_refs', '5');
const before = status('VmRSS');
await send(big, 'big');
const growth = status('VmHWM') - before;
uploads.close();
store.close();
process.stdout.write(JSON.stringify({ growth }) + '\n');
