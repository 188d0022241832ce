import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../e2e/support/browser.ts';
import { listeningUrl, stopProcess } from '../support/popbridge-process.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SAMPLES = readdirSync(join(ROOT, 'server/demo/mail')).filter((name) => name.endsWith('.eml')).length;

/** Runs a command in `cwd`, failing the test with its output if it fails. */
function mustRun(command: string, args: string[], cwd: string, timeoutMs: number): void {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
}

// What a newcomer does: clone, `npm ci && npm start`, open the page, sign in with the demo account shown.
describe('first run from a fresh clone', () => {
  const dir = mkdtempSync(join(tmpdir(), 'popbridge-first-run-'));
  let child: ChildProcess | undefined;
  let browser: Browser | undefined;

  afterAll(async () => {
    await browser?.close();
    await stopProcess(child);
    rmSync(dir, { recursive: true, force: true });
  });

  it('npm ci && npm start serves the demo, and a browser signs in and sees the sample mail', async () => {
    const clone = join(dir, 'popbridge');
    mustRun('git', ['clone', '--quiet', ROOT, clone], dir, 60_000);
    mustRun('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], clone, 480_000);

    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: join(dir, 'data') };
    for (const key of ['POP3_HOST', 'POP3_PORT', 'POP3_SECURITY', 'POP3_CA_FILE', 'POPBRIDGE_CONFIG']) delete env[key];
    child = spawn('npm', ['start'], { cwd: clone, env, stdio: ['ignore', 'pipe', 'pipe'], detached: false });
    const url = await listeningUrl(child, 180_000);

    browser = await launchBrowser();
    const page = await browser.newPage();
    await page.goto(url);
    const demo = page.getByText('This is a demo');
    await demo.waitFor();
    const [username, password] = await demo.locator('code').allTextContents();
    expect(username).toBeTruthy();
    await page.getByLabel('Username').fill(username!);
    await page.getByLabel('Password').fill(password!);
    await page.getByRole('button', { name: 'Sign in' }).click();

    const grid = page.getByRole('grid');
    await grid.waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByRole('row').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(Math.min(SAMPLES, 5));
    await expect.poll(() => grid.textContent(), { timeout: 30_000 }).toContain('Welcome');
  }, 900_000);
});
