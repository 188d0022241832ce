import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Pop3Command from 'node-pop3';
import { spawnGroup } from '../test/support/process-group.ts';

/**
 * P: peer clients used as their users use them. node-pop3 sends one command
 * per round trip (it has no pipelining); mpop is a C client that pipelines,
 * used for the RETR work item, timed as a whole process.
 */

export interface PeerEndpoint { host: string; port: number; ca: string }
export interface PeerUser { username: string; password: string }

function nodePop3(e: PeerEndpoint, u: PeerUser): Pop3Command {
  return new Pop3Command({
    host: e.host, port: e.port, tls: true, servername: 'localhost', tlsOptions: { ca: e.ca },
    user: u.username, password: u.password, timeout: 120_000,
  });
}

/**
 * UIDL, LIST, then TOP n 0 newest first: for `tops` messages, or for the
 * unique-ids not in `known`. Returns how many headers were fetched.
 */
export async function nodePop3Listing(e: PeerEndpoint, u: PeerUser, o: { tops?: number; known?: Set<string> } = {}): Promise<number> {
  const pop3 = nodePop3(e, u);
  let at = 'UIDL';
  try {
    const uidl = (await stall(pop3.UIDL(), at)) as string[][];
    at = 'LIST';
    await stall(pop3.LIST(), at);
    const wanted = uidl.filter(([, uid]) => !o.known?.has(uid!)).map(([n]) => Number(n)).reverse();
    const msgs = wanted.slice(0, o.tops ?? wanted.length);
    let bytes = 0;
    for (const n of msgs) {
      at = `TOP ${n} 0`;
      bytes += (await stall(pop3.TOP(n, 0), at)).length;
    }
    await pop3.QUIT();
    if (msgs.length && bytes === 0) throw new Error('BENCH_PEER: node-pop3 returned empty headers');
    return msgs.length;
  } catch (error) {
    (pop3 as unknown as { _socket: { destroy(): void } | null })._socket?.destroy();
    throw error;
  }
}

/** node-pop3 never settles a reply whose terminator is split across two reads in some ways; give up after this. */
export const STALL_MS = 10_000;
export class PeerStalled extends Error {
  constructor(readonly command: string) { super(`BENCH_PEER_STALLED: node-pop3 got no end of reply to ${command} in ${STALL_MS} ms`); }
}

function stall<T>(p: Promise<T>, command: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new PeerStalled(command)), STALL_MS); }),
  ]).finally(() => clearTimeout(timer));
}

/** A signed-in node-pop3 whose RETR of `msg` can be timed alone. */
export async function nodePop3Retr(e: PeerEndpoint, u: PeerUser, msg: number): Promise<{ ms: number; bytes: number }> {
  const pop3 = nodePop3(e, u);
  await stall(pop3.STAT(), 'STAT');
  const t0 = performance.now();
  const text = await stall(pop3.RETR(msg), `RETR ${msg}`);
  const ms = performance.now() - t0;
  await pop3.QUIT();
  return { ms, bytes: Buffer.byteLength(text, 'latin1') };
}

export const MPOP = '/usr/bin/mpop';

export async function hasMpop(): Promise<boolean> {
  try { await access(MPOP); return true; } catch { return false; }
}

/**
 * mpop retrieving the whole maildrop (here: the one 20 MB message) into an
 * MDA that discards it, keeping the mail on the server. Timed as a process:
 * start, TLS, login, UIDL, LIST, RETR, QUIT.
 */
export async function mpopRetrieveAll(e: PeerEndpoint, u: PeerUser): Promise<number> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'popbridge-bench-mpop-'));
  try {
    const ca = path.join(dir, 'ca.pem');
    await writeFile(ca, e.ca);
    const args = [
      '--host=' + e.host, `--port=${e.port}`, '--tls=on', '--tls-starttls=off', `--tls-trust-file=${ca}`,
      '--tls-host-override=localhost',
      '--auth=user', `--user=${u.username}`, `--passwordeval=echo ${u.password}`,
      '--keep=on', '--only-new=off', `--uidls-file=${path.join(dir, 'uidls')}`, '--received-header=off',
      '--delivery=mda,cat >/dev/null', '--quiet',
    ];
    const t0 = performance.now();
    await new Promise<void>((resolve, reject) => {
      const mpop = spawnGroup(MPOP, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, HOME: dir } });
      void mpop.exit.then((code) => mpop.stop(0, 'SIGKILL').then(() =>
        code === 0 ? resolve() : reject(new Error(`BENCH_MPOP: exit ${code}: ${mpop.output().trim()}`))));
    });
    return performance.now() - t0;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const POPLIB_SCRIPT = `
import poplib, ssl, sys, time
host, port, user, pw, ca, mode, arg = sys.argv[1:8]
ctx = ssl.create_default_context(cafile=ca)
t0 = time.perf_counter()
p = poplib.POP3_SSL(host, int(port), context=ctx)
p.user(user); p.pass_(pw)
if mode == 'retr':
    p.stat()
    t0 = time.perf_counter()
    n = sum(len(l) + 2 for l in p.retr(1)[1])
else:
    uids = [l.split() for l in p.uidl()[1]]
    p.list()
    known = set(open(arg).read().split()) if mode == 'new' else set()
    msgs = [int(n) for n, u in uids if u.decode() not in known][::-1]
    if mode == 'tops': msgs = msgs[:int(arg)]
    n = 0
    for m in msgs: n += len(p.top(m, 0)[1])
t = time.perf_counter() - t0
p.quit()
print(t * 1000, n)
`;

export async function hasPython(): Promise<boolean> {
  const probe = spawnGroup('python3', ['-c', 'import poplib, ssl'], { stdio: 'ignore' });
  const code = await probe.exit;
  await probe.stop(0, 'SIGKILL');
  return code === 0;
}

/**
 * Python's poplib, one command per round trip, as a script would use it;
 * timed inside the script from connect (interpreter start-up excluded), or
 * around RETR alone for mode 'retr'.
 */
export async function poplib(e: PeerEndpoint, u: PeerUser, mode: 'all' | 'tops' | 'new' | 'retr', arg: { tops?: number; known?: Set<string> } = {}): Promise<number> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'popbridge-bench-poplib-'));
  try {
    const ca = path.join(dir, 'ca.pem');
    await writeFile(ca, e.ca);
    let extra = '-';
    if (mode === 'tops') extra = String(arg.tops);
    if (mode === 'new') { extra = path.join(dir, 'known'); await writeFile(extra, [...arg.known!].join('\n')); }
    const out = await new Promise<string>((resolve, reject) => {
      const python = spawnGroup('python3', ['-c', POPLIB_SCRIPT, e.host, String(e.port), u.username, u.password, ca, mode, extra]);
      let stdout = '';
      python.child.stdout!.on('data', (d: string) => { stdout += d; });
      void python.exit.then((code) => python.stop(0, 'SIGKILL').then(() =>
        code === 0 ? resolve(stdout) : reject(new Error(`BENCH_POPLIB: exit ${code}: ${python.output().trim().slice(-500)}`))));
    });
    return Number(out.trim().split(' ')[0]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
