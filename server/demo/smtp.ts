import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { Maildrop } from '../pop3-server/index.ts';

/**
 * The demo's submission server (the smtp-server package): on loopback only,
 * so AUTH without TLS is safe; signs in the demo user, takes mail for the
 * demo address alone (it relays nowhere) and delivers it into the demo
 * maildrop, where the next Refresh finds it.
 */

/** Largest message accepted, announced as SIZE (RFC 1870): keeps one upload from filling memory. */
export const DEMO_SMTP_SIZE = 10 * 1024 * 1024;

export interface DemoSmtpOptions {
  username: string;
  password: string;
  /** The one address mail is accepted for (the demo's From address). */
  address: string;
  maildrop: Maildrop;
}

export interface DemoSmtp {
  host: string;
  port: number;
  close(): Promise<void>;
}

function smtpError(code: number, text: string): Error {
  return Object.assign(new Error(text), { responseCode: code });
}

/** RFC 5321 §4.4: the receiving server adds Return-Path and a Received trace line. */
function traceHeaders(from: string, client: string): string {
  return `Return-Path: <${from}>\r\nReceived: from ${client} by popbridge.example.com with ESMTPA; ${new Date().toUTCString()}\r\n`;
}

export async function startDemoSmtp(options: DemoSmtpOptions): Promise<DemoSmtp> {
  const address = options.address.toLowerCase();
  const server = new SMTPServer({
    name: 'popbridge.example.com',
    banner: 'Popbridge demo: mail to the demo address only',
    logger: false,
    disableReverseLookup: true,
    disabledCommands: ['STARTTLS'],
    // Loopback only (see listen below): the password never crosses a network.
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    size: DEMO_SMTP_SIZE,
    maxClients: 8,
    closeTimeout: 1000,
    onAuth(auth, _session, callback) {
      if (auth.username === options.username && auth.password === options.password) callback(null, { user: auth.username });
      else callback(smtpError(535, '5.7.8 Authentication credentials invalid'));
    },
    onRcptTo(recipient, _session, callback) {
      if (recipient.address.toLowerCase() === address) callback();
      else callback(smtpError(550, `5.7.1 <${recipient.address}>: relaying denied: the demo accepts mail for ${options.address} only`));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        // Past SIZE the rest is read and dropped; the reply below refuses it.
        if (size <= DEMO_SMTP_SIZE) chunks.push(chunk);
      });
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          callback(smtpError(552, `5.3.4 Message too large: the demo accepts up to ${DEMO_SMTP_SIZE} octets`));
          return;
        }
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        options.maildrop.deliver(Buffer.concat([Buffer.from(traceHeaders(from, session.clientHostname)), ...chunks]));
        callback(null, 'Delivered to the demo mailbox');
      });
    },
  });
  // A failed connection is that client's problem; the server stays up.
  server.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { address: host, port } = server.server.address() as AddressInfo;
  return {
    host, port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
