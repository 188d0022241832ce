import net from 'node:net';
import tls from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';

export interface GreetingTarget {
  host: string;
  port: number;
  /** Implicit TLS with this CA; plain TCP when absent. */
  caPem?: string;
}

/** Connects once and resolves with the first line the server sends. */
export function readGreeting(target: GreetingTarget, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket =
      target.caPem === undefined
        ? net.connect({ host: target.host, port: target.port })
        : tls.connect({ host: target.host, port: target.port, ca: target.caPem, servername: 'localhost' });
    let received = '';
    const finish = (error: Error | null, line?: string) => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(line ?? '');
    };
    const timer = setTimeout(() => finish(new Error(`no greeting within ${timeoutMs} ms`)), timeoutMs);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
      const end = received.indexOf('\n');
      if (end >= 0) finish(null, received.slice(0, end).replace(/\r$/, ''));
    });
    socket.on('error', (error) => finish(error));
    socket.on('close', () => finish(new Error('closed before a greeting')));
  });
}

/**
 * Polls until the server answers with a +OK greeting. Bounded by timeoutMs;
 * stops early when isDead() says the server process has gone.
 */
export async function waitForGreeting(
  target: GreetingTarget,
  timeoutMs: number,
  isDead: () => boolean,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'not tried';
  while (Date.now() < deadline && !isDead()) {
    try {
      const line = await readGreeting(target, Math.max(100, deadline - Date.now()));
      if (line.startsWith('+OK')) return;
      lastError = `unexpected greeting ${JSON.stringify(line)}`;
    } catch (error) {
      lastError = (error as Error).message;
    }
    await sleep(50);
  }
  throw new Error(`port ${target.port}: ${isDead() ? 'server exited' : lastError}`);
}
