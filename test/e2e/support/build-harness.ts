import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

/** Builds the message-view harness page with the app's own modules; returns its folder. */
export async function buildHarness(): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), 'popbridge-harness-'));
  const root = fileURLToPath(new URL('../harness', import.meta.url));
  await build({
    configFile: false,
    logLevel: 'warn',
    root,
    plugins: [svelte({ configFile: false })],
    worker: { format: 'es' },
    build: {
      outDir, emptyOutDir: true, assetsInlineLimit: 0, target: 'es2022',
      rollupOptions: { input: { message: join(root, 'index.html'), list: join(root, 'list.html') } },
    },
  });
  return outDir;
}
