import net from 'node:net';

/**
 * A loopback TCP proxy that holds every chunk `delayMs` before passing it on,
 * in each direction: a round trip costs 2 x delayMs more, bandwidth is
 * unchanged. This kernel has no netem, so the delay lives here. Order is kept
 * because timers of equal duration fire in the order they were set.
 */
export interface DelayProxy { port: number; close(): Promise<void> }

/** Held bytes per direction before reading pauses (bounds the proxy's memory). */
const MAX_HELD = 8 * 1024 * 1024;

function pipeDelayed(from: net.Socket, to: net.Socket, delayMs: number): void {
  let held = 0;
  from.on('data', (chunk: Buffer) => {
    held += chunk.length;
    if (held > MAX_HELD) from.pause();
    setTimeout(() => {
      held -= chunk.length;
      if (!to.destroyed) to.write(chunk);
      if (held <= MAX_HELD && from.isPaused()) from.resume();
    }, delayMs);
  });
  from.on('end', () => setTimeout(() => to.end(), delayMs));
  from.on('error', () => to.destroy());
  from.on('close', () => setTimeout(() => to.destroy(), delayMs + 1));
}

export function startDelayProxy(target: { host: string; port: number }, delayMs: number): Promise<DelayProxy> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target);
    for (const s of [client, upstream]) {
      s.setNoDelay(true);
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    pipeDelayed(client, upstream, delayMs);
    pipeDelayed(upstream, client, delayMs);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: (server.address() as net.AddressInfo).port,
        close: () => new Promise<void>((r) => {
          for (const s of sockets) s.destroy();
          server.close(() => r());
        }),
      });
    });
  });
}
