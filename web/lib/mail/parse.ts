import type { ParsedMail } from './types.ts';
import { parseMail } from './parse-core.ts';

// Below this size parsing on the main thread is quicker than a worker round trip.
const WORKER_THRESHOLD_BYTES = 256 * 1024;

type Reply = { id: number; mail: ParsedMail } | { id: number; error: string };

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, { resolve: (m: ParsedMail) => void; reject: (e: Error) => void }>();

function getWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL('./parse.worker.ts', import.meta.url), { type: 'module', name: 'mail-parser' });
  w.onmessage = (event: MessageEvent<Reply>) => {
    const job = pending.get(event.data.id);
    if (!job) return;
    pending.delete(event.data.id);
    if ('error' in event.data) job.reject(new Error(event.data.error));
    else job.resolve(event.data.mail);
  };
  w.onerror = () => {
    for (const job of pending.values()) job.reject(new Error('The mail parser stopped.'));
    pending.clear();
    worker = null;
  };
  worker = w;
  return w;
}

export function parse(raw: ArrayBuffer, options: { forceWorker?: boolean } = {}): Promise<ParsedMail> {
  if (raw.byteLength < WORKER_THRESHOLD_BYTES && !options.forceWorker) return parseMail(raw);
  return new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    getWorker().postMessage({ id, raw }, [raw]);
  });
}
