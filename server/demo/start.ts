import { randomBytes } from 'node:crypto';
import type { Config } from '../config.ts';
import { Maildrop, startPop3Server } from '../pop3-server/index.ts';
import { startDemoSmtp } from './smtp.ts';

export interface Demo {
  /** The configuration with the demo server as its only server. */
  config: Config;
  /** Stops both demo servers (the app's onClose). */
  close(): Promise<void>;
}

const USERNAME = 'demo';
/** The demo's From address, and the only one its SMTP server accepts mail for. */
export const DEMO_FROM_TEMPLATE = '{user}@popbridge.example.com';
export const DEMO_ADDRESS = DEMO_FROM_TEMPLATE.replace('{user}', USERNAME);

/**
 * With no POP3 server configured, run the demo: Popbridge's own POP3 server
 * on loopback over the sample mail in `mailFolder` (in memory: deletes last
 * until restart), and an SMTP server that delivers mail for the demo address
 * into that same maildrop.
 */
export async function startDemo(config: Config, mailFolder: string): Promise<Demo> {
  const password = randomBytes(6).toString('base64url');
  const maildrop = await Maildrop.fromFolder(mailFolder);
  const pop3 = await startPop3Server({
    host: '127.0.0.1', port: 0, users: [{ username: USERNAME, password }], maildrops: { [USERNAME]: maildrop },
  });
  let smtp;
  try {
    smtp = await startDemoSmtp({ username: USERNAME, password, address: DEMO_ADDRESS, maildrop });
  } catch (error) {
    await pop3.close();
    throw error;
  }
  return {
    config: {
      ...config,
      demo: { username: USERNAME, password },
      servers: [{
        id: 'demo', label: 'Demo mailbox', host: pop3.host, port: pop3.port, security: 'plain', maxConnections: 4,
        smtp: { host: smtp.host, port: smtp.port, security: 'plain', fromTemplate: DEMO_FROM_TEMPLATE },
      }],
    },
    async close() {
      await Promise.all([smtp.close(), pop3.close()]);
    },
  };
}
