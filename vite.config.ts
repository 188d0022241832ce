import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const root = fileURLToPath(new URL('./web', import.meta.url));
const outDir = fileURLToPath(new URL('./dist/web', import.meta.url));

// The SPA lives in web/ and is served by the Fastify server from dist/web.
// `npm run dev` style work can proxy the API to a server on :8080.
export default defineConfig({
  root,
  base: '/',
  plugins: [svelte()],
  worker: { format: 'es' },
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    // Keep everything in files: the server's CSP allows no inline script.
    assetsInlineLimit: 0,
    // No source maps in production: they would publish the sources to every visitor.
    sourcemap: false,
  },
  server: {
    fs: { allow: [fileURLToPath(new URL('.', import.meta.url))] },
    proxy: {
      '/api': { target: 'http://127.0.0.1:8080', ws: true },
      '/frame': { target: 'http://127.0.0.1:8080' },
    },
  },
});
