import PostalMime from 'postal-mime';
import { access, chmod, chown, mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startDaemon, removeOnExit, type Daemon } from './daemon-process.ts';
import { startDovecot, type Dovecot, type DovecotUser } from './dovecot.ts';
import { freePort } from './free-port.ts';
import { readGreeting } from './greeting.ts';
import { HarnessError, requireRoot } from './harness-error.ts';
import { findAccount, findGroupId } from './system-users.ts';
import { createCertificate } from './tls-cert.ts';

/**
 * A real SMTP submission server for one test file: Debian's Postfix with its
 * own config in a temp folder (nothing under /etc/postfix is read), STARTTLS
 * submission on one free loopback port and implicit TLS on another, SASL
 * through the test Dovecot (same users and passwords as its POP3), delivering
 * every accepted message into the maildirs that Dovecot serves. Follows
 * /work/shared/recipes/smtp-test-server (pitfalls noted where they bite).
 */
export interface Postfix {
  host: '127.0.0.1';
  /** Submission with mandatory STARTTLS (like port 587). */
  submissionPort: number;
  /** Implicit TLS (like port 465). */
  smtpsPort: number;
  /** Postfix's self-signed certificate: the only CA that verifies it. */
  caPem: string;
  /** The SIZE Postfix announces. */
  sizeLimit: number;
  /** Postfix's master: its process group (and session) holds every Postfix process. */
  masterPid: number;
  /** The fixture's temp folder, removed by stop(). */
  dir: string;
  /** The Dovecot that authenticates and serves the delivered mail over POP3. */
  dovecot: Dovecot;
  /** Everything Postfix logged, for failure messages. */
  log(): Promise<string>;
  stop(): Promise<void>;
}

const MASTER_BIN = '/usr/lib/postfix/sbin/master';
const TEMPLATES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'postfix');
const DOMAIN = 'example.test';
const START_TIMEOUT_MS = 20_000;
const START_ATTEMPTS = 3;
const QUEUE_PRIVATE = ['active', 'bounce', 'corrupt', 'defer', 'deferred', 'flush', 'hold', 'incoming', 'private', 'saved', 'trace'];

/** Users are addresses in example.test (alice@example.test); they exist for both SMTP AUTH and POP3. */
export async function startPostfix(options: { users: DovecotUser[]; sizeLimit?: number }): Promise<Postfix> {
  requireRoot('startPostfix');
  try {
    await access(MASTER_BIN);
  } catch {
    throw new HarnessError('HARNESS_MISSING_DEPENDENCY', `${MASTER_BIN} not found: run scripts/install-system-deps.sh as root`);
  }
  if (options.users.some((u) => !u.username.endsWith(`@${DOMAIN}`))) {
    throw new HarnessError('HARNESS_BAD_ARGUMENT', `users must be addresses in ${DOMAIN}`);
  }
  const postfixUid = (await findAccount('postfix'))?.uid;
  const postdropGid = await findGroupId('postdrop');
  const mailAccount = await findAccount('mail');
  if (postfixUid === undefined || postdropGid === undefined || !mailAccount) {
    throw new HarnessError('HARNESS_MISSING_DEPENDENCY', 'accounts postfix, mail and group postdrop are needed: install postfix');
  }
  const sizeLimit = options.sizeLimit ?? 100_000;
  // Dovecot first: smtpd asks its auth socket for the mechanisms at EHLO time.
  const dovecot = await startDovecot({ users: options.users, authSocketUser: 'postfix' });
  // Short path: unix socket names are limited to about 107 bytes.
  const root = await mkdtemp('/tmp/popbridge-postfix-');
  const forgetRoot = removeOnExit(root);
  const cleanUp = async () => {
    await rm(root, { recursive: true, force: true });
    forgetRoot();
    await dovecot.stop();
  };
  let daemon: Daemon | undefined;
  let ports = { sub: 0, smtps: 0 };
  let caPem = '';
  let failure = '';
  try {
    // mktemp's 0700 would keep user postfix out of the queue and socket.
    await chmod(root, 0o755);
    caPem = await prepareRoot(root, postfixUid, postdropGid);
    await writeFile(path.join(root, 'postfix', 'vmailbox'),
      options.users.map((u) => `${u.username} ${u.username}/\n`).join(''));
    for (let attempt = 1; attempt <= START_ATTEMPTS && daemon === undefined; attempt++) {
      ports = { sub: await freePort(), smtps: await freePort() };
      await renderConfig(root, {
        ROOT: root, DOMAIN, MAIL_ROOT: path.join(dovecot.dir, 'mail'), VMAIL_UID: String(mailAccount.uid),
        VMAIL_GID: String(mailAccount.gid), SIZE_LIMIT: String(sizeLimit), AUTH_SOCKET: dovecot.authSocket ?? '',
        SUB_PORT: String(ports.sub), SMTPS_PORT: String(ports.smtps),
      });
      // master -s: foreground, logs on stdout; it calls setsid(), so its process group is its own.
      const candidate = startDaemon(MASTER_BIN, ['-s', '-c', path.join(root, 'postfix')]);
      try {
        await waitFor220(ports.sub, undefined, candidate.exited);
        await waitFor220(ports.smtps, caPem, candidate.exited);
        daemon = candidate;
      } catch (error) {
        await candidate.stop();
        // master exits 1 silently on a fatal error (pitfall 1): a taken port is the likely cause.
        failure = `${(error as Error).message}\n${candidate.output()}`;
      }
    }
  } catch (error) {
    await cleanUp();
    throw error;
  }
  if (daemon === undefined) {
    await cleanUp();
    throw new HarnessError('HARNESS_START_TIMEOUT', `Postfix did not start after ${START_ATTEMPTS} attempts: ${failure}`);
  }
  const running = daemon;
  let stopped = false;
  return {
    host: '127.0.0.1',
    submissionPort: ports.sub,
    smtpsPort: ports.smtps,
    caPem,
    sizeLimit,
    masterPid: running.child.pid ?? 0,
    dir: root,
    dovecot,
    log: async () => running.output() + await readFile(path.join(root, 'postfix.log'), 'utf8').catch(() => ''),
    async stop() {
      if (stopped) return;
      stopped = true;
      // TERM to master's group: it passes it on to its children.
      await running.stop();
      await cleanUp();
    },
  };
}

/** Folders, certificate and queue skeleton (what `postfix check` would make, in milliseconds). */
async function prepareRoot(root: string, postfixUid: number, postdropGid: number): Promise<string> {
  for (const sub of ['postfix', 'data', 'tls']) await mkdir(path.join(root, sub));
  await chown(path.join(root, 'data'), postfixUid, -1);
  const certificate = await createCertificate();
  await writeFile(path.join(root, 'tls', 'cert.pem'), certificate.certPem);
  await writeFile(path.join(root, 'tls', 'key.pem'), certificate.keyPem, { mode: 0o600 });
  const queue = path.join(root, 'queue');
  await mkdir(queue, { mode: 0o755 });
  await mkdir(path.join(queue, 'pid'), { mode: 0o755 });
  for (const sub of QUEUE_PRIVATE) {
    await mkdir(path.join(queue, sub), { mode: 0o700 });
    await chown(path.join(queue, sub), postfixUid, -1);
  }
  await mkdir(path.join(queue, 'maildrop'), { mode: 0o730 });
  await mkdir(path.join(queue, 'public'), { mode: 0o710 });
  await chown(path.join(queue, 'maildrop'), postfixUid, postdropGid);
  await chown(path.join(queue, 'public'), postfixUid, postdropGid);
  // mkdir's mode is masked by the umask.
  await chmod(path.join(queue, 'maildrop'), 0o730);
  await chmod(path.join(queue, 'public'), 0o710);
  return certificate.certPem;
}

async function renderConfig(root: string, values: Record<string, string>): Promise<void> {
  for (const name of ['main.cf', 'master.cf']) {
    const template = await readFile(path.join(TEMPLATES, `${name}.in`), 'utf8');
    const file = path.join(root, 'postfix', name);
    await writeFile(file, template.replace(/@([A-Z_]+)@/g, (_, key: string) => {
      if (values[key] === undefined) throw new HarnessError('HARNESS_BAD_ARGUMENT', `${name}.in: no value for @${key}@`);
      return values[key];
    }));
  }
  // Postfix waits until main.cf is over a second old (pitfall 3): backdate it, saves ~2 s.
  const past = new Date(Date.now() - 60_000);
  for (const name of ['main.cf', 'master.cf', 'vmailbox']) await utimes(path.join(root, 'postfix', name), past, past);
}

async function waitFor220(port: number, caPem: string | undefined, isDead: () => boolean): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let lastError = 'not tried';
  while (Date.now() < deadline && !isDead()) {
    try {
      const line = await readGreeting({ host: '127.0.0.1', port, ...(caPem ? { caPem } : {}) }, 2000);
      if (line.startsWith('220 ')) return;
      lastError = `unexpected greeting ${JSON.stringify(line)}`;
    } catch (error) {
      lastError = (error as Error).message;
    }
    await sleep(50);
  }
  throw new Error(`port ${port}: ${isDead() ? 'postfix master exited' : lastError}`);
}

/** The raw bytes of the message with this subject once Postfix has delivered it to `user`; fails after 10 s with Postfix's log. */
export async function deliveredTo(postfix: Postfix, user: string, subject: string): Promise<Buffer> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    for (const file of await postfix.dovecot.messageFiles(user)) {
      if ((await PostalMime.parse(file.bytes)).subject === subject) return file.bytes;
    }
    await sleep(50);
  }
  throw new Error(`"${subject}" was not delivered:\n${await postfix.log()}`);
}
