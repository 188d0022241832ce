import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { startPop3Server, type Pop3Server } from './pop3-server/index.ts';

const DEMO_MAIL = fileURLToPath(new URL('./demo/mail', import.meta.url));

/**
 * With no POP3 server configured, run the demo: Popbridge's own POP3 server
 * on loopback over the sample mail (in memory: deletes last until restart).
 */
async function startDemo(config: Config): Promise<{ config: Config; pop3: Pop3Server }> {
  const username = 'demo';
  const password = randomBytes(6).toString('base64url');
  const pop3 = await startPop3Server({
    host: '127.0.0.1', port: 0, users: [{ username, password }],
    maildrops: { [username]: { folder: DEMO_MAIL } },
  });
  return {
    pop3,
    config: {
      ...config,
      demo: { username, password },
      servers: [{ id: 'demo', label: 'Demo mailbox', host: pop3.host, port: pop3.port, security: 'plain', maxConnections: 4 }],
    },
  };
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`Configuration error: ${e.message}`);
      process.exit(1);
    }
    throw e;
  }
  let demo: Pop3Server | undefined;
  if (config.servers.length === 0) {
    const started = await startDemo(config);
    config = started.config;
    demo = started.pop3;
  }
  const app = await buildApp(config);
  if (demo) app.addHook('onClose', async () => { await demo.close(); });
  const close = async (): Promise<void> => {
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', close);
  process.once('SIGTERM', close);
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? 'the port is in use by another program'
      : code === 'EACCES' ? 'this user may not listen there'
      : code === 'EADDRNOTAVAIL' ? 'this machine has no such address' : (e as Error).message;
    console.error(`Cannot listen on ${config.host}:${config.port}: ${why}. Set HOST and PORT to fix it.`);
    await app.close();
    process.exit(1);
  }
  if (config.demo) app.log.info({ username: config.demo.username }, 'demo mode: sign in with the credentials shown on the sign-in page');
}

await main();
