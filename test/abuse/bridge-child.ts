/**
 * Popbridge and its own POP3 server in a child process, so a test can read
 * the server's memory (RSS) apart from its own. Prints "listening at URL".
 * BRIDGE_OVERRIDES (JSON) adjusts the config; MESSAGES sets the mailbox size.
 */
import { startPop3Server } from '../../server/pop3-server/index.ts';
import { startBridge } from '../server/harness.ts';
import { testMessage } from '../server/mail.ts';

const count = Number(process.env.MESSAGES ?? 500);
const messages = Array.from({ length: count }, (_, i) => ({ bytes: testMessage(i + 1, ` subject padding ${'x'.repeat(120)}`), uid: `m${i}` }));
const pop = await startPop3Server({ users: [{ username: 'alice', password: 'pw-alice-7' }], maildrops: { alice: { messages } } });
const bridge = await startBridge([{ host: pop.host, port: pop.port }], JSON.parse(process.env.BRIDGE_OVERRIDES ?? '{}'));
console.log(`listening at ${bridge.url}`);
process.once('SIGTERM', () => { void bridge.stop().then(() => pop.close()).then(() => process.exit(0)); });
