import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startPop3Server, type Pop3Server } from '../../server/pop3-server/index.ts';
import { TestBrowser } from '../server/client.ts';
import { listeningUrl } from '../support/popbridge-process.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const user = { username: 'erin', password: 'graceful-exit' };
const mail = [1, 2, 3].map((n) => `From: a${n}@example.org\r\nSubject: note ${n}\r\nMessage-ID: <${n}@example.org>\r\nDate: Mon, ${n} Nov 2026 10:00:00 +0000\r\n\r\nbody ${n}\r\n`);

/** Popbridge as `npm start` runs it, configured for one POP3 server, as a child process we can signal. */
async function startPopbridge(pop3: Pop3Server, dataDir: string): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env, HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir,
    POP3_HOST: pop3.host, POP3_PORT: String(pop3.port), POP3_SECURITY: 'plain',
    // A long undo window, so the delete below is still pending when the signal comes.
    DELETE_GRACE_SECONDS: '600', IDLE_CLOSE_SECONDS: '600',
  };
  delete env.POPBRIDGE_CONFIG;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await listeningUrl(child, 30_000);
  return { child, url, output: () => output };
}

/** Runs `npm start`'s server with only these settings, expecting it to stop: its exit code and what it wrote to stderr. */
async function startUpFails(settings: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...settings };
  delete env.POPBRIDGE_CONFIG;
  delete env.POP3_HOST;
  const run = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  run.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => run.once('exit', resolve));
  return { code, stderr };
}

describe('operations', () => {
  let pop3: Pop3Server | undefined;
  let child: ChildProcess | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'popbridge-ops-'));
  afterEach(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await pop3?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('SIGTERM ends the POP3 session with QUIT, commits the delete the user made, and exits 0', async () => {
    pop3 = await startPop3Server({ users: [user], maildrops: { erin: { messages: mail } } });
    const started = await startPopbridge(pop3, dataDir);
    child = started.child;
    const browser = new TestBrowser(started.url);
    expect((await browser.signIn('default', user.username, user.password)).status).toBe(200);
    const tab = await browser.tab();
    const listing = await tab.sync();
    expect(listing.keys).toHaveLength(3);
    const doomed = listing.keys[0]!; // newest first: "note 3"
    const reply = await tab.request({ type: 'delete', keys: [doomed] });
    expect(reply.error).toBeUndefined();

    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);

    expect(pop3.transcript.at(-1)).toBe('QUIT');
    expect(pop3.transcript.filter((line) => line.startsWith('DELE'))).toHaveLength(1);
    const left = pop3.maildrop('erin').messages.map((message) => Buffer.from(message.bytes).toString());
    expect(left).toEqual([mail[0], mail[1]]);

    // Logs are structured and hold neither the password nor the session cookie.
    const logs = started.output();
    expect(logs).toMatch(/^\{.*"level":\d+/m);
    expect(logs).not.toContain(user.password);
    expect(logs).not.toContain(browser.cookie.split('=')[1]);
    expect(logs).not.toContain('body 3');
  });

  it('a bad configuration stops start-up with a message naming the key', async () => {
    const { code, stderr } = await startUpFails({ PORT: 'eighty', DATA_DIR: dataDir });
    expect(code).not.toBe(0);
    expect(stderr).toContain('PORT');
  });

  it('a port already in use stops start-up with a message that says so', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { code, stderr } = await startUpFails({ HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir });
      expect(code).toBe(1);
      expect(stderr).toContain(`Cannot listen on 127.0.0.1:${port}: the port is in use`);
    } finally {
      blocker.close();
    }
  });

  it('GET /api/health answers ok', async () => {
    pop3 = await startPop3Server({ users: [user] });
    const started = await startPopbridge(pop3, dataDir);
    child = started.child;
    const response = await fetch(`${started.url}/api/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});
