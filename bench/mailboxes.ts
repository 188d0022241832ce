import { access, chown, link, readdir, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startDovecot, type Dovecot } from '../test/support/dovecot.ts';
import { findAccount } from '../test/support/system-users.ts';
import { generateLargeMessage, generateMailbox, generateMessage } from './generate.ts';

/**
 * One private Dovecot for the whole bench run, with the maildrops written
 * straight into cur/ (delivering 60,000 files one by one through new/ would
 * take longer than the measurements). File names carry S= and W= so Dovecot
 * never reads a file to learn its size, and their leading numbers give the
 * POP3 numbering: message i of the generator is POP3 message i + 1.
 */

export const SEED = 1;
export const BIG_COUNT = 10_000;
export const SMALL_COUNT = 1_000;
export const LARGE_SIZE = 20 * 1024 * 1024;
export const NEW_MAIL = 10;

export interface BenchUser { username: string; password: string }
export const BIG: BenchUser = { username: 'big', password: 'bench-big-1' };
export const LARGE: BenchUser = { username: 'large', password: 'bench-large-1' };
export const crowd = (count: number): BenchUser[] =>
  Array.from({ length: count }, (_, i) => ({ username: `u${String(i + 1).padStart(2, '0')}`, password: `bench-u${i + 1}` }));
/** W8's accounts: each a copy of BIG's 10,000 messages (hard links). */
export const ACCOUNT_COUNT = 5;
export const accounts = (count: number): BenchUser[] =>
  Array.from({ length: count }, (_, i) => ({ username: `acct${i + 1}`, password: `bench-acct-${i + 1}` }));

export interface BenchMail {
  dovecot: Dovecot;
  crowd: BenchUser[];
  /** W8's accounts (empty unless asked for). */
  accounts: BenchUser[];
  /** Bytes of the 10,000-message maildrop. */
  bigBytes: number;
  /** Delivers NEW_MAIL messages to BIG (newest), returns a function that removes them again. */
  deliverNew(round: number): Promise<() => Promise<void>>;
}

const BASE_SECONDS = 1_700_000_000;

function fileName(n: number, size: number): string {
  // maildir: <time>.<unique>.<host>,S=<size>,W=<virtual size>:2,<flags>; the mail is CRLF already, so W = S.
  return `${BASE_SECONDS + n}.M${n}P1.popbridge-bench,S=${size},W=${size}:2,`;
}

async function writeMail(dir: string, n: number, bytes: Uint8Array, owner: { uid: number; gid: number }): Promise<string> {
  const file = path.join(dir, 'cur', fileName(n, bytes.length));
  await writeFile(file, bytes, { mode: 0o600 });
  await chown(file, owner.uid, owner.gid);
  return file;
}

/** Runs `fn` over `items` with at most `width` in flight. */
async function inBatches<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(fn));
}

export async function startBenchMail(options: { crowdSize: number; accounts: number; log: (s: string) => void }): Promise<BenchMail> {
  const users = crowd(options.crowdSize);
  const many = accounts(options.accounts);
  const dovecot = await startDovecot({ users: [BIG, LARGE, ...users, ...many] });
  try {
    const mail = await findAccount('mail');
    if (!mail) throw new Error('BENCH_SETUP: the system account "mail" is missing (install dovecot-core)');
    const started = Date.now();
    const bigDir = dovecot.maildir(BIG.username);
    let bigBytes = 0;
    const generated: Array<{ n: number; bytes: Uint8Array }> = [];
    let n = 0;
    for (const m of generateMailbox({ count: BIG_COUNT, seed: SEED })) {
      n++;
      generated.push({ n, bytes: m.bytes });
      bigBytes += m.bytes.length;
      if (generated.length === 200) {
        await inBatches(generated.splice(0), 50, (g) => writeMail(bigDir, g.n, g.bytes, mail).then(() => undefined));
      }
    }
    await inBatches(generated.splice(0), 50, (g) => writeMail(bigDir, g.n, g.bytes, mail).then(() => undefined));
    await writeMail(dovecot.maildir(LARGE.username), 1, generateLargeMessage(LARGE_SIZE, SEED), mail);

    // The crowd's maildrops are hard links to the first 1,000 of BIG's files: same bytes, no extra disk.
    const all = (await readdir(path.join(bigDir, 'cur'))).sort();
    const first = all.slice(0, SMALL_COUNT);
    const linkAll = async (u: BenchUser, names: string[]) => {
      const dir = path.join(dovecot.maildir(u.username), 'cur');
      await inBatches(names, 100, (name) => link(path.join(bigDir, 'cur', name), path.join(dir, name)));
    };
    for (const u of users) await linkAll(u, first);
    // W8's accounts: hard links to all of BIG's files, likewise.
    for (const u of many) await linkAll(u, all);
    options.log(`maildrops written in ${((Date.now() - started) / 1000).toFixed(1)} s ` +
      `(${BIG_COUNT} messages, ${(bigBytes / 1e6).toFixed(0)} MB; ${users.length} x ${SMALL_COUNT}; ` +
      `${many.length ? `${many.length} x ${BIG_COUNT} linked; ` : ''}one of ${LARGE_SIZE} bytes)`);

    return {
      dovecot, crowd: users, accounts: many, bigBytes,
      async deliverNew(round) {
        const files: string[] = [];
        for (let k = 0; k < NEW_MAIL; k++) {
          // Numbers after the maildrop's own, so the new mail is the newest; distinct per round.
          const index = BIG_COUNT + round * NEW_MAIL + k;
          files.push(await writeMail(bigDir, index + 1, generateMessage(SEED, index), mail));
        }
        return async () => {
          for (const f of files) {
            // Dovecot may have renamed it (flags); the base name before ":" stays.
            const base = path.basename(f).split(':')[0]!;
            for (const name of await readdir(path.dirname(f))) {
              if (name.split(':')[0] === base) await unlink(path.join(path.dirname(f), name));
            }
          }
        };
      },
    };
  } catch (error) {
    await dovecot.stop();
    throw error;
  }
}

/** `npm run bench` on a fresh machine: install Dovecot (and mpop, Chromium) with apt when missing. */
export async function ensureDovecot(run: (cmd: string, args: string[]) => Promise<void>): Promise<void> {
  try {
    await access('/usr/sbin/dovecot');
  } catch {
    await run('bash', [path.join(import.meta.dirname, '..', 'scripts', 'install-system-deps.sh')]);
  }
}
