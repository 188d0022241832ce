import { build } from './builds.ts';

/** Global setup of the sockets tier: the server, which tests start as `npm start` does (dist/server). */
export function setup(): void {
  build(['scripts/build-server-if-needed.mjs']);
}
