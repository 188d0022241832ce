import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { composeMessage } from '../server/smtp/compose.ts';
import { openConnection } from '../server/smtp/submit.ts';
import { createCertificate } from '../test/support/tls-cert.ts';
import type { BenchUser } from './mailboxes.ts';
import { BenchBrowser, startBridgeServer } from './popbridge.ts';
import { median, type Row } from './table.ts';

/**
 * W7, sending: a 20 MB attachment uploaded over HTTP and sent through
 * Popbridge (B), against a raw SMTP client (L: nodemailer's SMTPConnection
 * submitting the same message, composed beforehand in memory). The SMTP
 * server is smtp-server in this process, on loopback with implicit TLS; it
 * counts and discards the bytes and notes when it answers 250.
 */
export const SEND_SIZE = 20 * 1024 * 1024;
const FROM_DOMAIN = 'bench.test';
const TO = 'someone@bench.test';

export interface BenchSmtpServer {
  port: number;
  caPem: string;
  /** Resolves with the time (performance.now()) of the next 250 after DATA, and the octets received. */
  nextDelivery(): Promise<{ at: number; bytes: number }>;
  stop(): Promise<void>;
}

export async function startBenchSmtp(user: BenchUser): Promise<BenchSmtpServer> {
  const certificate = await createCertificate();
  let waiting: ((d: { at: number; bytes: number }) => void) | null = null;
  const server = new SMTPServer({
    secure: true, key: certificate.keyPem, cert: certificate.certPem, logger: false, disableReverseLookup: true,
    size: 100 * 1024 * 1024, authMethods: ['PLAIN'],
    onAuth(auth, _session, callback) {
      if (auth.username === user.username && auth.password === user.password) callback(null, { user: auth.username });
      else callback(Object.assign(new Error('5.7.8 Authentication failed'), { responseCode: 535 }));
    },
    onData(stream, _session, callback) {
      let bytes = 0;
      stream.on('data', (chunk: Buffer) => { bytes += chunk.length; });
      stream.on('end', () => {
        callback(null, 'Ok: discarded');
        waiting?.({ at: performance.now(), bytes });
        waiting = null;
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    caPem: certificate.certPem,
    nextDelivery: () => new Promise((resolve) => { waiting = resolve; }),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Bytes that neither compress nor repeat in an obvious way (a cheap xorshift). */
export function attachmentBytes(size = SEND_SIZE): Buffer {
  const out = Buffer.alloc(size);
  let x = 0x9e3779b9;
  for (let i = 0; i + 4 <= size; i += 4) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    out.writeUInt32LE(x >>> 0, i);
  }
  return out;
}

/** L: the message composed in memory first (not timed), then one SMTP session sends it as it stands. */
export async function rawSend(smtp: BenchSmtpServer, user: BenchUser, attachment: Buffer): Promise<number> {
  const composed = await composeMessage({
    from: { name: '', address: `${user.username}@${FROM_DOMAIN}` }, to: [{ name: '', address: TO }], cc: [], bcc: [],
    subject: 'Bench attachment', text: 'The file.', attachments: [{ filename: 'bench.bin', contentType: 'application/octet-stream', content: attachment }],
  });
  const chunks: Buffer[] = [];
  for await (const chunk of composed.stream()) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  const t0 = performance.now();
  const connection = openConnection({ host: '127.0.0.1', port: smtp.port, security: 'tls', ca: smtp.caPem });
  await new Promise<void>((resolve, reject) => { connection.once('error', reject); connection.connect(() => resolve()); });
  await new Promise<void>((resolve, reject) => connection.login({ user: user.username, pass: user.password }, (e) => (e ? reject(e) : resolve())));
  const delivered = smtp.nextDelivery();
  await new Promise<void>((resolve, reject) => connection.send(composed.envelope, bytes, (e) => (e ? reject(e) : resolve())));
  const { at, bytes: received } = await delivered;
  connection.quit();
  if (received < bytes.length - 4) throw new Error(`BENCH_CHECK: L delivered ${received} of ${bytes.length} octets`);
  return at - t0;
}

/**
 * B: as the compose view does it, on a signed-in browser: POST /api/uploads
 * (multipart), PUT /api/drafts/:id, POST /api/outbox (no Undo wait on the
 * bench server), timed until the SMTP server's 250.
 */
export async function popbridgeSend(
  smtp: BenchSmtpServer, browser: BenchBrowser, attachment: Buffer, run: number, afterUpload: () => Promise<void> = async () => {},
): Promise<number> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(attachment)], { type: 'application/octet-stream' }), 'bench.bin');
  const delivered = smtp.nextDelivery();
  const t0 = performance.now();
  const up = await browser.fetch('/api/uploads', { method: 'POST', body: form });
  if (up.status !== 201) throw new Error(`BENCH_SEND: upload ${up.status} ${await up.text()}`);
  const { id } = await up.json() as { id: string };
  await afterUpload();
  const draftId = `bench${run}`;
  const draft = { to: TO, subject: 'Bench attachment', text: 'The file.', attachments: [id] };
  const json = { 'content-type': 'application/json' };
  const put = await browser.fetch(`/api/drafts/${draftId}`, { method: 'PUT', headers: json, body: JSON.stringify(draft) });
  if (put.status !== 200) throw new Error(`BENCH_SEND: draft ${put.status} ${await put.text()}`);
  const queued = await browser.fetch('/api/outbox', { method: 'POST', headers: json, body: JSON.stringify({ draftId }) });
  if (queued.status !== 202) throw new Error(`BENCH_SEND: outbox ${queued.status} ${await queued.text()}`);
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('BENCH_SEND: no 250 within 120 s')), 120_000).unref());
  const { at, bytes } = await Promise.race([delivered, timeout]);
  if (bytes < (attachment.length * 4) / 3) throw new Error(`BENCH_CHECK: B delivered ${bytes} octets`);
  return at - t0;
}

export interface SendSamples {
  L: number[];
  B: number[];
  peak: number;
  /** Peak RSS over RSS before, bytes, max over runs: while the upload is received, and from then until the 250. */
  uploadGrowth: number;
  growth: number;
}

/**
 * One run of W7: L, then a fresh Popbridge server (SMTP configured) whose
 * user uploads and sends the same attachment. The server has sent one small
 * message first (not measured), so its send path is compiled, as in a
 * running server.
 */
export async function sendRun(
  o: { pop3Port: number; caPem: string; maxConnections: number; user: BenchUser; stops: Array<() => Promise<void>> },
  into: SendSamples,
): Promise<void> {
  const smtp = await startBenchSmtp(o.user);
  o.stops.push(smtp.stop);
  try {
    const attachment = attachmentBytes();
    into.L.push(await rawSend(smtp, o.user, attachment));
    const server = await startBridgeServer({ pop3Port: o.pop3Port, caPem: o.caPem, maxConnections: o.maxConnections, smtp });
    o.stops.push(server.stop);
    try {
      const browser = new BenchBrowser(server.url);
      await browser.signIn(o.user.username, o.user.password);
      await popbridgeSend(smtp, browser, Buffer.alloc(1024, 1), 0);
      let before = await server.rss();
      await server.resetPeak();
      // Between the two phases: the upload's peak is taken, the send's starts (reading /proc is not timed apart).
      into.B.push(await popbridgeSend(smtp, browser, attachment, 1, async () => {
        const peak = await server.peak();
        into.peak = Math.max(into.peak, peak);
        into.uploadGrowth = Math.max(into.uploadGrowth, peak - before);
        before = await server.rss();
        await server.resetPeak();
      }));
      const peak = await server.peak();
      into.peak = Math.max(into.peak, peak);
      into.growth = Math.max(into.growth, peak - before);
      await browser.signOut();
    } finally {
      o.stops.splice(o.stops.indexOf(server.stop), 1);
      await server.stop();
    }
  } finally {
    o.stops.splice(o.stops.indexOf(smtp.stop), 1);
    await smtp.stop();
  }
}

export function sendRow(s: SendSamples): Row {
  return {
    item: 'W7', what: 'send a 20 MB attachment', L: s.L, B: s.B, peak: s.peak,
    target: 'send growth < 40 MB', met: s.growth < 40 * 1024 * 1024,
    note: `B: POST /api/uploads (multipart) + PUT /api/drafts + POST /api/outbox until the SMTP server's 250; ` +
      `L: nodemailer's SMTPConnection (TLS, AUTH, MAIL/RCPT/DATA) sending the same message composed beforehand in memory; ` +
      `smtp-server on loopback discarding the bytes. B/L ${(median(s.B) / median(s.L)).toFixed(2)}; ` +
      `server RSS growth (max over runs) while receiving the upload: ${(s.uploadGrowth / 1048576).toFixed(1)} MB, ` +
      `from then until the 250: ${(s.growth / 1048576).toFixed(1)} MB.`,
  };
}
