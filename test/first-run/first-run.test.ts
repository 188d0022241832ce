import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../e2e/support/browser.ts';
import { groupMembers } from '../support/proc.ts';
import { runCommand } from '../support/run-command.ts';
import { startPopbridge, type PopbridgeProcess } from '../support/popbridge-process.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SAMPLES = readdirSync(join(ROOT, 'server/demo/mail')).filter((name) => name.endsWith('.eml')).length;

/** Runs a command in `cwd` in its own process group, failing the test with its output if it fails. */
async function mustRun(command: string, args: string[], cwd: string, timeoutMs: number): Promise<void> {
  const result = await runCommand(command, args, undefined, { cwd, timeoutMs });
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
}

// What a newcomer does: clone, `npm ci && npm start`, open the page, sign in with the demo account shown.
describe('first run from a fresh clone', () => {
  const dir = mkdtempSync(join(tmpdir(), 'popbridge-first-run-'));
  let popbridge: PopbridgeProcess | undefined;
  let browser: Browser | undefined;

  afterAll(async () => {
    await browser?.close();
    await popbridge?.stop(); // the whole group: npm, its shell and the server
    rmSync(dir, { recursive: true, force: true });
  });

  it('npm ci && npm start serves the demo, and a browser signs in and sees the sample mail', async () => {
    const clone = join(dir, 'popbridge');
    await mustRun('git', ['clone', '--quiet', ROOT, clone], dir, 60_000);
    await mustRun('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], clone, 480_000);

    popbridge = await startPopbridge({ DATA_DIR: join(dir, 'data') }, { cwd: clone, command: ['npm', ['start']], timeoutMs: 180_000 });
    const url = popbridge.url;
    // `npm start` built both halves and runs the compiled server, not the TypeScript sources.
    expect(existsSync(join(clone, 'dist/web/index.html'))).toBe(true);
    expect(existsSync(join(clone, 'dist/server/main.js'))).toBe(true);
    const commands = groupMembers(popbridge.pid!).map((p) => p.command);
    expect(commands).toContainEqual(expect.stringMatching(/^\S*node dist\/server\/main\.js$/));
    expect(commands.join('\n')).not.toContain('tsx');

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
