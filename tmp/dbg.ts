import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveStatic } from '../test/e2e/support/static-server.ts';
import { launchBrowser } from '../test/e2e/support/browser.ts';
const dir = mkdtempSync(join(tmpdir(), 'dbg-'));
writeFileSync(join(dir, 'index.html'), '<!doctype html><body>hi</body>');
const server = await serveStatic(dir, () => null);
const browser = await launchBrowser();
const page = await browser.newPage();
page.on('console', (m) => console.log('console:', m.type(), m.text()));
await page.goto(server.url + '/');
const r = await page.evaluate(async (html) => {
  const frame = document.createElement('iframe');
  frame.setAttribute('sandbox', 'allow-scripts');
  frame.src = '/frame/message.html';
  const got: unknown[] = [];
  await new Promise<void>((resolve) => {
    setTimeout(resolve, 6000);
    addEventListener('message', (event) => {
      got.push([event.source === frame.contentWindow, event.data]);
      if (event.source !== frame.contentWindow) return;
      const type = (event.data as { type?: string }).type;
      if (type === 'ready') frame.contentWindow?.postMessage({ html }, '*');
      if (type === 'shown') setTimeout(resolve, 1000);
    });
    document.body.append(frame);
  });
  return got;
}, process.argv[2] ?? `<img src="data:," onerror="parent.postMessage('ran:onerror','*')"><svg onload="parent.postMessage('ran:svg','*')"></svg>`);
console.log(JSON.stringify(r));
await browser.close(); await server.close();
