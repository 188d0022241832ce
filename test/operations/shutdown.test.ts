import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Pop3Server } from '../../server/pop3-server/index.ts';
import { TestBrowser } from '../server/client.ts';
import { startMailServer } from '../server/harness.ts';
import { popbridgeStartFails, startPopbridge, type PopbridgeProcess } from '../support/popbridge-process.ts';

const user = { username: 'erin', password: 'graceful-exit' };
const mail = [1, 2, 3].map((n) => `From: a${n}@example.org\r\nSubject: note ${n}\r\nMessage-ID: <${n}@example.org>\r\nDate: Mon, ${n} Nov 2026 10:00:00 +0000\r\n\r\nbody ${n}\r\n`);

/** Popbridge as `npm start` runs it, configured for one POP3 server, as a process group we can signal. */
function startFor(pop3: Pop3Server, dataDir: string): Promise<PopbridgeProcess> {
  return startPopbridge({
    DATA_DIR: dataDir,
    POP3_HOST: pop3.host, POP3_PORT: String(pop3.port), POP3_SECURITY: 'plain',
    // A long undo window, so the delete below is still pending when the signal comes.
    DELETE_GRACE_SECONDS: '600', IDLE_CLOSE_SECONDS: '600',
  });
}

describe('operations', () => {
  let pop3: Pop3Server | undefined;
  let started: PopbridgeProcess | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'popbridge-ops-'));
  afterEach(async () => {
    await started?.stop(0, 'SIGKILL');
    started = undefined;
    await pop3?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('SIGTERM ends the POP3 session with QUIT, leaves a delete still inside its Undo window undone, and exits 0', async () => {
    pop3 = await startMailServer({ users: [user], mail: { erin: mail } });
    started = await startFor(pop3, dataDir);
    const browser = new TestBrowser(started.url);
    expect((await browser.signIn('default', user.username, user.password)).status).toBe(200);
    const tab = await browser.tab();
    const listing = await tab.sync();
    expect(listing.keys).toHaveLength(3);
    const doomed = listing.keys[0]!; // newest first: "note 3"
    const reply = await tab.request({ type: 'delete', keys: [doomed] });
    expect(reply.error).toBeUndefined();

    started.child.kill('SIGTERM'); // the server process alone, as systemd's KillSignal would
    expect(await started.exit).toBe(0);

    expect(pop3.transcript.at(-1)).toBe('QUIT');
    // The user could still undo it when the server stopped: the message stays on the server.
    expect(pop3.transcript.filter((line) => line.startsWith('DELE'))).toHaveLength(0);
    const left = pop3.maildrop('erin').messages.map((message) => Buffer.from(message.bytes).toString());
    expect(left).toEqual(mail);

    // Logs are structured and hold neither the password nor the session cookie.
    const logs = started.output();
    expect(logs).toMatch(/^\{.*"level":\d+/m);
    expect(logs).not.toContain(user.password);
    expect(logs).not.toContain(browser.cookie.split('=')[1]);
    expect(logs).not.toContain('body 3');
  });

  it('a bad configuration stops start-up with a message naming the key', async () => {
    const { code, output } = await popbridgeStartFails({ PORT: 'eighty', DATA_DIR: dataDir });
    expect(code).not.toBe(0);
    expect(output).toContain('PORT');
  });

  it('a port already in use stops start-up with a message that says so', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { code, output } = await popbridgeStartFails({ PORT: String(port), DATA_DIR: dataDir });
      expect(code).toBe(1);
      expect(output).toContain(`Cannot listen on 127.0.0.1:${port}: the port is in use`);
    } finally {
      blocker.close();
    }
  });

  it('GET /api/health answers ok', async () => {
    pop3 = await startMailServer({ users: [user] });
    started = await startFor(pop3, dataDir);
    const response = await fetch(`${started.url}/api/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});
