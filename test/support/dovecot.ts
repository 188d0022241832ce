import { access, chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startDaemon, removeOnExit, type Daemon } from './daemon-process.ts';
import { renderDovecotConfig } from './dovecot-config.ts';
import { freePort } from './free-port.ts';
import { waitForGreeting } from './greeting.ts';
import { HarnessError, requireRoot } from './harness-error.ts';
import { listMaildir, MaildirWriter } from './maildir.ts';
import { findAccount } from './system-users.ts';
import { createCertificate } from './tls-cert.ts';

/**
 * A private Dovecot 2.3 POP3 server for one test file: its own folder,
 * config, users, maildirs and certificate, on free loopback ports. Nothing
 * under /etc/dovecot is read or written.
 */
export interface Dovecot {
  host: '127.0.0.1';
  /** Plain POP3, offering STLS. */
  plainPort: number;
  /** Implicit TLS (pop3s). */
  tlsPort: number;
  /** The server's self-signed certificate: the only CA that verifies it. */
  caPem: string;
  dir: string;
  maildir(username: string): string;
  /** Delivers one message; POP3 numbers follow delivery order. */
  deliver(username: string, bytes: Uint8Array | string): Promise<string>;
  /** The user's messages in POP3 numbering order (see maildir.ts). */
  messageFiles(username: string): Promise<Array<{ path: string; bytes: Buffer }>>;
  /** The SASL auth socket for an SMTP server, when asked for (startDovecot's authSocketUser). */
  authSocket: string | null;
  /** Everything Dovecot logged, for failure messages. */
  log(): Promise<string>;
  stop(): Promise<void>;
}

export interface DovecotUser {
  username: string;
  password: string;
}

const DOVECOT_BIN = '/usr/sbin/dovecot';
const START_TIMEOUT_MS = 20_000;
const START_ATTEMPTS = 3;
// Usernames become maildir folder names and passwd-file keys.
const SAFE_USERNAME = /^[A-Za-z0-9._@+-]{1,64}$/;

function checkUsers(users: DovecotUser[]): void {
  for (const { username, password } of users) {
    if (!SAFE_USERNAME.test(username) || username.startsWith('.')) {
      throw new HarnessError('HARNESS_BAD_ARGUMENT', `username ${JSON.stringify(username)}: use letters, digits and . _ @ + -`);
    }
    // passwd-file fields are separated by ':' and records by newlines.
    if (/[:\r\n\0]/.test(password) || password === '') {
      throw new HarnessError('HARNESS_BAD_ARGUMENT', `password of ${username} must be non-empty without ':', CR, LF or NUL`);
    }
  }
}

async function requireInstalled(): Promise<void> {
  try {
    await access(DOVECOT_BIN);
  } catch {
    throw new HarnessError('HARNESS_MISSING_DEPENDENCY', `${DOVECOT_BIN} not found: run scripts/install-system-deps.sh as root`);
  }
}

export async function startDovecot(options: {
  users: DovecotUser[];
  /** Also listen on an auth socket that this system account (e.g. postfix) may use. */
  authSocketUser?: string;
  /** pop3_uidl_format (dovecot-config.ts): "%08Xu" makes equal UIDLs across users. */
  uidlFormat?: string;
}): Promise<Dovecot> {
  requireRoot('startDovecot');
  await requireInstalled();
  checkUsers(options.users);
  const mailAccount = await findAccount('mail');
  const loginAccount = await findAccount('dovenull');
  if (!mailAccount || !loginAccount) {
    throw new HarnessError('HARNESS_MISSING_DEPENDENCY', 'system accounts "mail" and "dovenull" are needed: install dovecot-core');
  }

  const dir = await mkdtemp(path.join(os.tmpdir(), 'popbridge-dovecot-'));
  const forgetDir = removeOnExit(dir);
  // The mail processes run as `mail` and must reach the maildirs below.
  await chmod(dir, 0o711);
  const mailRoot = path.join(dir, 'mail');
  const certificate = await createCertificate();
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  const passwdFile = path.join(dir, 'passwd');
  const configFile = path.join(dir, 'dovecot.conf');
  const authSocket = options.authSocketUser ? path.join(dir, 'auth-client') : null;
  await writeFile(certFile, certificate.certPem);
  await writeFile(keyFile, certificate.keyPem, { mode: 0o600 });
  await writeFile(
    passwdFile,
    options.users.map((u) => `${u.username}:{PLAIN}${u.password}\n`).join(''),
    { mode: 0o600 },
  );
  await mkdir(mailRoot, { mode: 0o700 });
  await chown(mailRoot, mailAccount.uid, mailAccount.gid);
  const writer = new MaildirWriter(mailAccount);
  const maildir = (username: string) => {
    if (!options.users.some((u) => u.username === username)) {
      throw new HarnessError('HARNESS_BAD_ARGUMENT', `${username} is not a user of this Dovecot`);
    }
    return path.join(mailRoot, username);
  };
  for (const user of options.users) await writer.create(maildir(user.username));

  let daemon: Daemon | undefined;
  let plainPort = 0;
  let tlsPort = 0;
  let failure = '';
  try {
    // A free port can be taken by someone else before Dovecot binds it;
    // then Dovecot exits at once and we try again with new ports.
    for (let attempt = 1; attempt <= START_ATTEMPTS && daemon === undefined; attempt++) {
      plainPort = await freePort();
      tlsPort = await freePort();
      await writeFile(
        configFile,
        renderDovecotConfig({
          dir, instanceName: `popbridge-${randomBytes(4).toString('hex')}`, plainPort, tlsPort,
          certFile, keyFile, passwdFile, mailRoot,
          mailUid: mailAccount.uid, mailGid: mailAccount.gid,
          loginUser: loginAccount.name,
          ...(authSocket && options.authSocketUser ? { authSocket: { path: authSocket, user: options.authSocketUser } } : {}),
          ...(options.uidlFormat ? { uidlFormat: options.uidlFormat } : {}),
        }),
      );
      const candidate = startDaemon(DOVECOT_BIN, ['-F', '-c', configFile]);
      try {
        await waitForGreeting({ host: '127.0.0.1', port: plainPort }, START_TIMEOUT_MS, candidate.exited);
        await waitForGreeting(
          { host: '127.0.0.1', port: tlsPort, caPem: certificate.certPem }, START_TIMEOUT_MS, candidate.exited,
        );
        daemon = candidate;
      } catch (error) {
        await candidate.stop();
        failure = `${(error as Error).message}\n${candidate.output()}${await readLog(dir)}`;
      }
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    forgetDir();
    throw error;
  }
  if (daemon === undefined) {
    await rm(dir, { recursive: true, force: true });
    forgetDir();
    throw new HarnessError('HARNESS_START_TIMEOUT', `Dovecot did not start after ${START_ATTEMPTS} attempts: ${failure}`);
  }

  const running = daemon;
  let stopped = false;
  return {
    host: '127.0.0.1',
    plainPort,
    tlsPort,
    caPem: certificate.certPem,
    dir,
    authSocket,
    maildir,
    deliver: (username, bytes) => writer.deliver(maildir(username), bytes),
    messageFiles: (username) => listMaildir(maildir(username)),
    log: () => readLog(dir),
    async stop() {
      if (stopped) return;
      stopped = true;
      await running.stop();
      await rm(dir, { recursive: true, force: true });
      forgetDir();
    },
  };
}

async function readLog(dir: string): Promise<string> {
  try {
    return await readFile(path.join(dir, 'dovecot.log'), 'utf8');
  } catch {
    return '';
  }
}
