import { Readable } from 'node:stream';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { NodemailerError } from 'nodemailer/lib/errors';
import type { SmtpConfig } from '../config.ts';
import { BridgeError } from '../errors.ts';
import { parseEhlo, type EhloInfo } from './ehlo.ts';
import { toSendError, type SubmitProgress } from './smtp-errors.ts';

export type SmtpEndpoint = Pick<SmtpConfig, 'host' | 'port' | 'security' | 'ca'>;

export interface SmtpTimeouts {
  connectTimeoutMs: number;
  greetingTimeoutMs: number;
  /** Silence on the socket (a reply that never comes, during upload too). */
  socketTimeoutMs: number;
}

export const DEFAULT_SMTP_TIMEOUTS: SmtpTimeouts = { connectTimeoutMs: 10_000, greetingTimeoutMs: 10_000, socketTimeoutMs: 60_000 };

export interface SubmitResult {
  /** Recipients the server accepted. */
  accepted: string[];
  /** Recipients it refused while accepting others: the message went to the rest. */
  refused: Array<{ recipient: string; serverText: string }>;
  /** The server's final reply (often with its queue id). */
  response: string;
}

/**
 * nodemailer's SMTP client for one connection: certificate verified (the
 * configured CA added), STARTTLS required when configured (never a clear-text
 * fallback), TLS 1.2 or newer.
 */
export function openConnection(endpoint: SmtpEndpoint, timeouts: SmtpTimeouts = DEFAULT_SMTP_TIMEOUTS): SMTPConnection {
  return new SMTPConnection({
    host: endpoint.host,
    port: endpoint.port,
    secure: endpoint.security === 'tls',
    requireTLS: endpoint.security === 'starttls',
    ignoreTLS: endpoint.security === 'plain',
    tls: { rejectUnauthorized: true, minVersion: 'TLSv1.2', ...(endpoint.ca ? { ca: endpoint.ca } : {}) },
    connectionTimeout: timeouts.connectTimeoutMs,
    greetingTimeout: timeouts.greetingTimeoutMs,
    socketTimeout: timeouts.socketTimeoutMs,
    // The provider's server is often on a private network next to the bridge.
    allowInternalNetworkInterfaces: true,
    logger: false,
  });
}

/** Connects, says EHLO (and STARTTLS); resolves with what the server announced. */
export function connect(connection: SMTPConnection): Promise<EhloInfo> {
  return new Promise((resolve, reject) => {
    connection.once('error', reject);
    connection.connect((error) => (error ? reject(error) : resolve(parseEhlo(String(connection.lastServerResponse || '')))));
  });
}

function login(connection: SMTPConnection, user: string, pass: string): Promise<void> {
  return new Promise((resolve, reject) => connection.login({ user, pass }, (error) => (error ? reject(error) : resolve())));
}

/** What submit() sends: its size on the wire (for SIZE) and its bytes, produced only once DATA is under way. */
export interface OutgoingBytes {
  size: number;
  stream(): Readable;
}

/**
 * Submits one composed message, signed in with the mailbox's own user name
 * and password. Sent once: a failure is never retried here, least of all
 * SMTP_OUTCOME_UNKNOWN. Too large for the announced SIZE fails before upload.
 *
 * Recipients: when the server refuses some RCPT TO and accepts others, the
 * message goes to the accepted ones and `refused` names the others with the
 * server's reasons (the caller records them in the Sent message); only when
 * it refuses all does this fail, SMTP_RECIPIENT_REFUSED naming the first.
 */
export async function submit(
  endpoint: SmtpEndpoint,
  credentials: { username: string; password: string },
  envelope: { from: string; to: string[] },
  message: OutgoingBytes,
  timeouts: SmtpTimeouts = DEFAULT_SMTP_TIMEOUTS,
): Promise<SubmitResult> {
  const progress: SubmitProgress = { uploadStarted: false, sizeLimit: null };
  const connection = openConnection(endpoint, timeouts);
  // Errors also arrive as events; the callbacks below carry the same ones.
  connection.on('error', () => {});
  try {
    const ehlo = await connect(connection);
    progress.sizeLimit = ehlo.sizeLimit;
    if (ehlo.sizeLimit !== null && message.size > ehlo.sizeLimit) {
      throw new BridgeError('SMTP_MESSAGE_TOO_LARGE', { limit: ehlo.sizeLimit });
    }
    await login(connection, credentials.username, credentials.password);
    const info = await new Promise<SMTPConnection.SentMessageInfo>((resolve, reject) => {
      // nodemailer reads the message only once the server took the envelope; the bytes
      // (and attachment files) are produced only then, pulled as the socket drains.
      const body = Readable.from((async function* () {
        progress.uploadStarted = true;
        yield* message.stream();
      })(), { objectMode: false });
      connection.send({ ...envelope, size: message.size }, body, (error, result) => (error ? reject(error) : resolve(result)));
    });
    connection.quit();
    return {
      accepted: info.accepted,
      refused: (info.rejectedErrors ?? []).map((e) => ({ recipient: e.recipient ?? '', serverText: (e.response ?? '').slice(0, 512) })),
      response: info.response,
    };
  } catch (error) {
    connection.close();
    if (error instanceof BridgeError) throw error;
    throw toSendError(error as NodemailerError, progress);
  }
}
