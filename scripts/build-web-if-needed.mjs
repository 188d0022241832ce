// `npm start` runs this first: build the SPA into dist/web when it is missing
// or older than its sources, so a fresh clone starts with a working web app.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isStale } from './stale.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const inputs = ['web', 'shared/api', 'vite.config.ts'].map((path) => join(root, path));

if (isStale(join(root, 'dist/web/index.html'), inputs)) {
  console.error('Building the web app (dist/web)…');
  const result = spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    console.error('The web app failed to build; see the errors above.');
    process.exit(result.status ?? 1);
  }
}
