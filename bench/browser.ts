import { access } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { Dovecot } from '../test/support/dovecot.ts';
import { startBridgeServer } from './popbridge.ts';
import { median, type Row } from './table.ts';

/**
 * The browser figure: Debian's Chromium, headless, against the real server
 * serving the built SPA. Time from the click on "Sign in" until the grid
 * knows 50 rows and the newest ones are painted (a frame after they are in
 * the DOM); then, with all 10,000 loaded, the list is scrolled top to bottom
 * one viewport per animation frame and every frame checks that the rows in
 * view are drawn (a virtual list that falls behind shows blank space).
 */

const CHROMIUM = '/usr/bin/chromium';
const ROOT = path.resolve(import.meta.dirname, '..');

// In-page scripts are strings: the TypeScript loader would wrap functions in helpers the page lacks.
const FIFTY_ROWS = `new Promise((resolve, reject) => {
  const deadline = performance.now() + 60000;
  const check = () => {
    const grid = document.querySelector('[role="grid"]');
    const known = Number(grid?.getAttribute('aria-rowcount') ?? 0) - 1;
    const drawn = grid ? grid.querySelectorAll('.body [role="row"]').length : 0;
    if (known >= 50 && drawn > 0) { requestAnimationFrame(() => resolve(performance.now() - window.benchClick)); return; }
    if (performance.now() > deadline) { reject(new Error('no 50 rows in 60 s')); return; }
    requestAnimationFrame(check);
  };
  check();
})`;

const SCROLL = `new Promise((resolve) => {
  const grid = document.querySelector('[role="grid"]');
  const gaps = [];
  let blank = 0;
  let last = performance.now();
  const step = () => {
    const now = performance.now();
    gaps.push(now - last);
    last = now;
    // The virtual list must have drawn a row where the user looks.
    const box = grid.getBoundingClientRect();
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    if (!hit || !hit.closest('[role="row"]')) blank++;
    if (grid.scrollTop + grid.clientHeight >= grid.scrollHeight - 1 || gaps.length > 5000) {
      const s = gaps.slice(1).sort((a, b) => a - b);
      resolve({ frames: s.length, blank, p95: s[Math.floor(s.length * 0.95)] ?? 0, max: s[s.length - 1] ?? 0 });
      return;
    }
    grid.scrollTop += grid.clientHeight;
    requestAnimationFrame(step);
  };
  requestAnimationFrame(step);
})`;

interface ScrollResult { frames: number; blank: number; p95: number; max: number }

export async function browserFigure(o: { dovecot: Dovecot; user: { username: string; password: string }; caPem: string; runs: number; log: (s: string) => void }): Promise<Row | null> {
  await access(CHROMIUM);
  const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build-web-if-needed.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`BENCH_WEB_BUILD: ${build.stderr || build.stdout}`);
  const times: number[] = [];
  let scroll: ScrollResult | null = null;
  const browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    for (let run = 0; run < o.runs; run++) {
      const server = await startBridgeServer({ pop3Port: o.dovecot.tlsPort, caPem: o.caPem, maxConnections: 4 });
      const context = await browser.newContext({ viewport: { width: 1280, height: 2000 } });
      try {
        const page = await context.newPage();
        await page.goto(server.url);
        await page.getByLabel('Username').fill(o.user.username);
        await page.getByLabel('Password').fill(o.user.password);
        const button = page.getByRole('button', { name: 'Sign in' });
        await button.waitFor();
        // Timed in the page: from the click event to the frame after 50 rows are known and drawn.
        await page.evaluate(`document.addEventListener('click', () => { window.benchClick = performance.now(); }, { capture: true, once: true })`);
        await button.click();
        const ms = await page.evaluate<number>(FIFTY_ROWS);
        times.push(ms);
        o.log(`browser: 50 rows painted ${Math.round(ms)} ms after "Sign in"`);
        if (run === 0) {
          await page.waitForFunction(() => Number(document.querySelector('[role="grid"]')?.getAttribute('aria-rowcount')) === 10_001, undefined, { timeout: 120_000 });
          scroll = await page.evaluate<ScrollResult>(SCROLL);
          o.log(`browser: scrolled 10,000 rows in ${scroll.frames} frames, p95 frame ${scroll.p95.toFixed(1)} ms, max ${scroll.max.toFixed(1)} ms, blank frames ${scroll.blank}`);
        }
      } finally {
        await context.close();
        await server.stop();
      }
    }
  } finally {
    await browser.close();
  }
  const m = median(times);
  return {
    item: 'UI', what: 'Chromium: "Sign in" -> 50 rows painted', B: times, target: '-', met: null,
    note: `median ${Math.round(m)} ms over ${times.length} runs (headless Chromium, viewport 1280x2000, a fresh server and empty cache each run). ` +
      (scroll ? `Scrolling all 10,000 rows one viewport per frame: ${scroll.frames} frames, p95 frame interval ${scroll.p95.toFixed(1)} ms, max ${scroll.max.toFixed(1)} ms, ${scroll.blank} frames with no row drawn in the middle of the list${scroll.blank === 0 && scroll.p95 < 20 ? ' (keeps up)' : ''}.` : ''),
  };
}
