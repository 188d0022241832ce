import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, chown, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { HarnessError, requireRoot } from './harness-error.ts';
import { formatMbox, parseMbox } from './mbox.ts';
import {
  createTestAccount, preparePopa3dSystem, removeTestAccount, removeTestAccountSync,
} from './popa3d-system.ts';
import { findAccount, findGroupId } from './system-users.ts';

/**
 * popa3d, a minimal RFC 1939 server: no CAPA, USER/PASS only, system
 * accounts through PAM, mbox mailboxes in /var/mail. It runs inetd-style:
 * a loopback listener here starts one popa3d per connection with the
 * accepted socket as its stdin and stdout.
 *
 * Each start creates fresh system accounts with random names; `login(name)`
 * gives the name to send with USER. Other methods take the name from the
 * options (the login name works too).
 */
export interface Popa3d {
  host: '127.0.0.1';
  port: number;
  login(username: string): string;
  mboxPath(username: string): string;
  /** Replaces the mailbox with these messages, in this order. */
  writeMbox(username: string, messages: Array<Uint8Array | string>): Promise<void>;
  /** The messages now in the mailbox (LF line ends; see mbox.ts). */
  readMbox(username: string): Promise<Buffer[]>;
  stop(): Promise<void>;
}

export interface Popa3dUser {
  username: string;
  password: string;
}

const POPA3D_BIN = process.env.POPBRIDGE_POPA3D ?? '/var/cache/popbridge/popa3d-root/usr/sbin/popa3d';

const accountsToRemove = new Map<string, string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const [login, mbox] of accountsToRemove) removeTestAccountSync(login, mbox);
  });
}

function randomLogin(): string {
  // 'pbt' + 6 base-36 chars: short enough for every tool, unlikely to clash.
  const suffix = [...randomBytes(6)].map((b) => (b % 36).toString(36)).join('');
  return `pbt${suffix}`;
}

export async function startPopa3d(options: { users: Popa3dUser[] }): Promise<Popa3d> {
  requireRoot('startPopa3d');
  try {
    await access(POPA3D_BIN);
  } catch {
    throw new HarnessError('HARNESS_MISSING_DEPENDENCY', `${POPA3D_BIN} not found: run scripts/install-system-deps.sh as root`);
  }
  for (const { username, password } of options.users) {
    if (password === '' || /[\r\n\0]/.test(password)) {
      throw new HarnessError('HARNESS_BAD_ARGUMENT', `password of ${username} must be non-empty without CR, LF or NUL`);
    }
  }
  await preparePopa3dSystem();
  const mailGid = await findGroupId('mail');
  if (mailGid === undefined) throw new HarnessError('HARNESS_MISSING_DEPENDENCY', 'group "mail" does not exist');
  installExitHook();

  const logins = new Map<string, string>();
  const account = (username: string): { login: string; mbox: string } => {
    const login = logins.get(username) ?? ([...logins.values()].includes(username) ? username : undefined);
    if (login === undefined) throw new HarnessError('HARNESS_BAD_ARGUMENT', `${username} is not a user of this popa3d`);
    return { login, mbox: `/var/mail/${login}` };
  };
  const writeMbox = async (username: string, messages: Array<Uint8Array | string>) => {
    const { login, mbox } = account(username);
    const owner = await findAccount(login);
    if (owner === undefined) throw new HarnessError('HARNESS_COMMAND_FAILED', `account ${login} vanished`);
    await writeFile(mbox, formatMbox(messages), { mode: 0o600 });
    await chown(mbox, owner.uid, mailGid);
  };

  const children = new Set<ChildProcess>();
  const server = net.createServer({ pauseOnConnect: true }, (socket) => {
    // The child gets a duplicate of the socket's descriptor, as under inetd;
    // ours is closed right away so the connection lives exactly as long as
    // popa3d keeps it.
    const child = spawn('setpriv', ['--pdeathsig', 'KILL', POPA3D_BIN], {
      stdio: [socket, socket, 'ignore'],
      detached: true,
    });
    children.add(child);
    child.on('exit', () => children.delete(child));
    child.on('error', () => children.delete(child));
    socket.destroy();
  });

  try {
    for (const user of options.users) {
      const login = randomLogin();
      logins.set(user.username, login);
      accountsToRemove.set(login, `/var/mail/${login}`);
      await createTestAccount(login, user.password);
      await writeMbox(user.username, []);
    }
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
  } catch (error) {
    server.close();
    await removeAccounts([...logins.values()]);
    throw error;
  }
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('listener has no port');

  let stopped = false;
  return {
    host: '127.0.0.1',
    port: address.port,
    login: (username) => account(username).login,
    mboxPath: (username) => account(username).mbox,
    writeMbox,
    readMbox: async (username) => parseMbox(await readFile(account(username).mbox)),
    async stop() {
      if (stopped) return;
      stopped = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const child of children) {
        if (child.pid !== undefined) {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      }
      await closed;
      await removeAccounts([...logins.values()]);
    },
  };
}

async function removeAccounts(logins: string[]): Promise<void> {
  for (const login of logins) {
    await removeTestAccount(login, `/var/mail/${login}`);
    accountsToRemove.delete(login);
  }
}
