import { ChildProcess } from 'node:child_process';
import childProcess from 'node:child_process';
import net from 'node:net';
import { syncBuiltinESMExports } from 'node:module';

/**
 * Setup file of the unit tier: a unit test that opens a socket or starts a
 * process fails at once, naming the tier it belongs in, so the tier stays
 * fast and needs nothing but Node. (Listening, connecting and spawning all
 * pass through these functions; the sync spawns are patched on the module.)
 */
function refuse(what: string): never {
  throw new Error(`unit tier: ${what} is not allowed here; put this test under a sockets or system folder (vitest.config.ts)`);
}

net.Server.prototype.listen = function listen() {
  refuse('listening on a socket');
};
net.Socket.prototype.connect = function connect() {
  refuse('connecting a socket');
};
// Node's internal step of spawn(), exec(), execFile() and fork().
(ChildProcess.prototype as unknown as { spawn: () => never }).spawn = function spawn() {
  refuse('starting a child process');
};
const cp = childProcess as unknown as Record<string, unknown>;
for (const name of ['spawnSync', 'execSync', 'execFileSync']) {
  cp[name] = () => refuse(`starting a child process (${name})`);
}
syncBuiltinESMExports();
