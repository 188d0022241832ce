// `npm start` and `npm run doctor` run this first: compile the server once
// into dist/server (esbuild, one file per entry point, npm packages left as
// imports), so the running process is plain JavaScript with no compiler
// loaded. Rebuilds when the output is missing or older than its sources;
// `--force` always rebuilds (`npm run build`).
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { isStale } from './stale.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = join(root, 'dist/server');
const inputs = ['server', 'shared', 'package.json', 'scripts/build-server-if-needed.mjs'].map((path) => join(root, path));

if (process.argv.includes('--force') || isStale(join(outdir, 'main.js'), inputs)) {
  console.error('Building the server (dist/server)…');
  rmSync(outdir, { recursive: true, force: true });
  try {
    await build({
      absWorkingDir: root,
      entryPoints: { main: 'server/main.ts', doctor: 'server/doctor/cli.ts' },
      outdir,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      logLevel: 'warning',
    });
  } catch {
    console.error('The server failed to build; see the errors above.');
    process.exit(1);
  }
  // main.ts finds the demo mail next to itself (import.meta.url).
  cpSync(join(root, 'server/demo/mail'), join(outdir, 'demo/mail'), { recursive: true });
}
