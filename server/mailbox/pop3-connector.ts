import type { Config } from '../config.ts';
import { BridgeError } from '../errors.ts';
import { Pop3Client } from '../pop3-client/client.ts';
import type { MailboxClient, Pop3Connector } from './mailbox-client.ts';

/** Connect and log in to a configured server; only configured servers are reachable (no SSRF). */
export function pop3Connector(config: Config): Pop3Connector {
  return async (serverId, credentials) => {
    const server = config.servers.find((s) => s.id === serverId);
    if (!server) throw new BridgeError('CONNECT_FAILED');
    const client = await Pop3Client.connect(
      { host: server.host, port: server.port, security: server.security, ...(server.ca ? { ca: server.ca } : {}) },
      config.pop3Timeouts,
    );
    try {
      await client.login({ username: credentials.username, password: credentials.password });
    } catch (e) {
      client.destroy();
      throw e;
    }
    // Typed, not cast: the compiler checks Pop3Client against the interface the mailbox relies on.
    const mailbox: MailboxClient = client;
    return mailbox;
  };
}
