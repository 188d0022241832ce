import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// vite.config.ts roots Vite at web/ for the SPA build; tests run from the
// repository root instead.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
