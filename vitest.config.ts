import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/*
 * Three tiers (vitest projects), chosen by where a test file lives, so a new
 * file lands in a tier by its folder. `npm test` runs all three;
 * `npm test -- --project unit` runs one.
 *
 * unit     pure code in one process: no sockets, no child processes
 *          (test/setup/unit-guard.ts makes either fail the test); under 20 s.
 * sockets  Popbridge's own POP3 server and Fastify app over loopback.
 * system   real Dovecot, popa3d, mpop and Chromium, `npm start` from a fresh
 *          clone, operations on the server process; installs their packages first.
 *
 * A folder that holds more than one kind lists its exceptions by file.
 * Every test file is in exactly one tier: sockets and system list theirs,
 * unit takes everything else.
 */
const SYSTEM = [
  'test/e2e/**/*.test.ts',
  'test/first-run/**/*.test.ts',
  'test/operations/**/*.test.ts',
  'test/abuse/**/*.test.ts',
  'test/harness/**/*.test.ts',
  'test/doctor/**/*.test.ts',
  'test/**/*dovecot*.test.ts',
  'test/**/*popa3d*.test.ts',
  'test/server/password-change.test.ts',
  'test/smtp/doctor.test.ts',
  'test/smtp/postfix-*.test.ts',
];
const SOCKETS = [
  'test/pop3-server/**/*.test.ts',
  'test/server/**/*.test.ts',
  'test/bench/**/*.test.ts',
  'test/pop3-client/quirks.test.ts',
  'test/mailbox/sessions.test.ts',
  'test/mailbox/header-cap.test.ts',
  'test/mailbox/refresh-flood.test.ts',
  'test/smtp/faults.test.ts',
  'test/smtp/outbox.test.ts',
  'test/demo/send.test.ts',
];

const leftovers = 'test/setup/leftovers.ts';

// vite.config.ts roots Vite at web/ for the SPA build; tests run from the
// repository root instead.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...SOCKETS, ...SYSTEM],
          globalSetup: [leftovers],
          setupFiles: ['test/setup/unit-guard.ts'],
          testTimeout: 10_000,
          // Pure code: one module cache for all files is safe and saves most of the start-up.
          pool: 'threads',
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'sockets',
          include: SOCKETS,
          exclude: SYSTEM,
          globalSetup: [leftovers, 'test/setup/build-server.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'system',
          include: SYSTEM,
          globalSetup: [leftovers, 'test/setup/system-deps.ts', 'test/setup/builds.ts'],
        },
      },
    ],
  },
});
