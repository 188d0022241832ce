import { parseMail } from './parse-core.ts';

// Parsing runs off the main thread so a large mail never freezes the list.
interface Job {
  id: number;
  raw: ArrayBuffer;
}

self.onmessage = async (event: MessageEvent<Job>) => {
  const { id, raw } = event.data;
  try {
    const mail = await parseMail(raw);
    (self as unknown as Worker).postMessage({ id, mail }, mail.parts.map((p) => p.content));
  } catch (err) {
    (self as unknown as Worker).postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
};
