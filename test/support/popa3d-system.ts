import { spawnSync } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { HarnessError } from './harness-error.ts';
import { runCommand, type CommandResult } from './run-command.ts';
import { findAccount, findGroupId } from './system-users.ts';

/**
 * The system side of popa3d, which the tests set up themselves because the
 * package is unpacked, not installed (it conflicts with dovecot-pop3d): the
 * `popa3d` account and its empty chroot /var/lib/popa3d (as the package's
 * postinst makes them), the PAM service file, and throw-away test accounts
 * whose mailboxes are /var/mail/<name>.
 */

const PAM_FILE = '/etc/pam.d/popa3d';
// As shipped in the package: plain Unix passwords through pam_unix.
const PAM_CONFIG = '# PAM configuration for popa3d\n\n@include common-auth\n@include common-account\n';
const CHROOT = '/var/lib/popa3d';
export const TEST_USER_COMMENT = 'Popbridge test user';

/** Several test workers may do this at once; each step tolerates that. */
export async function preparePopa3dSystem(): Promise<void> {
  if ((await findGroupId('popa3d')) === undefined) {
    await tolerant(['groupadd', '--system', 'popa3d'], async () => (await findGroupId('popa3d')) !== undefined);
  }
  if ((await findAccount('popa3d')) === undefined) {
    await tolerant(
      ['useradd', '--system', '--home-dir', CHROOT, '--no-create-home', '--shell', '/usr/sbin/nologin', '-g', 'popa3d', 'popa3d'],
      async () => (await findAccount('popa3d')) !== undefined,
    );
  }
  await mkdir(CHROOT, { recursive: true, mode: 0o755 });
  const current = await readFile(PAM_FILE, 'utf8').catch(() => '');
  if (current !== PAM_CONFIG) await writeFile(PAM_FILE, PAM_CONFIG, { mode: 0o644 });
  await mkdir('/var/mail', { recursive: true });
}

/**
 * Runs a command that changes /etc/passwd or /etc/group. It may fail because
 * another worker holds the lock or has just done the same thing, so retry
 * until done() says the goal is reached (bounded).
 */
async function tolerant(argv: string[], done: () => Promise<boolean>, input?: string): Promise<void> {
  let last: CommandResult | undefined;
  for (let attempt = 0; attempt < 20; attempt++) {
    last = await runCommand(argv[0]!, argv.slice(1), input);
    if (last.code === 0 || (await done())) return;
    await sleep(100 + Math.random() * 200);
  }
  throw new HarnessError('HARNESS_COMMAND_FAILED', `${argv.join(' ')} failed: ${last?.stderr.trim()}`);
}

export async function createTestAccount(login: string, password: string): Promise<void> {
  await tolerant(
    ['useradd', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin',
      '--no-user-group', '--gid', 'mail', '--comment', TEST_USER_COMMENT, login],
    async () => (await findAccount(login)) !== undefined,
  );
  // Only chpasswd's own success tells that the password is set.
  await tolerant(['chpasswd'], async () => false, `${login}:${password}\n`);
}

export async function removeTestAccount(login: string, mboxPath: string): Promise<void> {
  await rm(mboxPath, { force: true });
  await rm(`${mboxPath}.lock`, { force: true });
  await tolerant(['userdel', login], async () => (await findAccount(login)) === undefined);
}

/** For the exit hook, where nothing asynchronous runs any more. */
export function removeTestAccountSync(login: string, mboxPath: string): void {
  spawnSync('rm', ['-f', mboxPath, `${mboxPath}.lock`]);
  spawnSync('userdel', [login]);
}
