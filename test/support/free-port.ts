import net from 'node:net';

/**
 * Asks the kernel for a free loopback port by listening on port 0 and
 * closing again. Another process may grab it before the caller binds it, so
 * callers that hand the port to a daemon retry when the bind fails.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('listen on port 0 gave no port');
  return address.port;
}
