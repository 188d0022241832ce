// `npm start` runs this first: build the SPA into dist/web when it is missing
// or older than its sources, so a fresh clone starts with a working web app.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = join(root, 'dist/web/index.html');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const sources = [join(root, 'web'), join(root, 'shared/api')].filter(existsSync);
const stale = !existsSync(built) || Math.max(...sources.map(newestMtime), statSync(join(root, 'vite.config.ts')).mtimeMs) > statSync(built).mtimeMs;

if (stale) {
  console.log('Building the web app (dist/web)…');
  const result = spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    console.error('The web app failed to build; see the errors above.');
    process.exit(result.status ?? 1);
  }
}
