import { ConfigError, loadConfig } from '../config.ts';
import { diagnose, formatDiagnosis } from './diagnose.ts';
import { diagnoseSmtp, formatSmtpDiagnosis } from './smtp-diagnose.ts';

/**
 * `npm run doctor -- <server id> [--json]`: diagnose one configured server
 * (POP3, and its SMTP submission server when configured).
 * Credentials to also test sign-in come from DOCTOR_USERNAME and
 * DOCTOR_PASSWORD, never from the command line (it shows in `ps`).
 */
async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  const [id] = argv.filter((arg) => !arg.startsWith('--'));
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
      return 2;
    }
    throw error;
  }
  const ids = config.servers.map((server) => server.id);
  if (ids.length === 0) {
    console.error('No POP3 server is configured (set POP3_HOST or POPBRIDGE_CONFIG); the demo server needs no doctor.');
    return 2;
  }
  const server = config.servers.find((candidate) => candidate.id === (id ?? (ids.length === 1 ? ids[0] : undefined)));
  if (!server) {
    console.error(`Usage: npm run doctor -- <server id>. Configured ids: ${ids.join(', ')}`);
    return 2;
  }
  const username = process.env.DOCTOR_USERNAME;
  const password = process.env.DOCTOR_PASSWORD;
  const credentials = username && password ? { username, password } : null;
  const diagnosis = await diagnose(
    { host: server.host, port: server.port, security: server.security, ...(server.ca ? { ca: server.ca } : {}) },
    credentials,
    config.pop3Timeouts,
  );
  // The SMTP submission server too, when the server has one (it signs in with the same credentials).
  const smtp = server.smtp ? await diagnoseSmtp(server.smtp, credentials) : undefined;
  if (json) console.log(JSON.stringify(smtp ? { ...diagnosis, smtp } : diagnosis, null, 2));
  else console.log(smtp ? `${formatDiagnosis(diagnosis)}\n${formatSmtpDiagnosis(smtp)}` : formatDiagnosis(diagnosis));
  return diagnosis.ok && (smtp?.ok ?? true) ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
