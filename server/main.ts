import { fileURLToPath } from 'node:url';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { startDemo, type Demo } from './demo/start.ts';

// Resolved here, not in demo/: the build bundles everything into dist/server/main.js and copies the mail beside it.
const DEMO_MAIL = fileURLToPath(new URL('./demo/mail', import.meta.url));

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
  let demo: Demo | undefined;
  if (config.servers.length === 0) {
    demo = await startDemo(config, DEMO_MAIL);
    config = demo.config;
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
