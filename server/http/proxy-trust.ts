import { isIP } from 'node:net';
import type { Config } from '../config.ts';

type FastifyTrust = boolean | string[] | ((address: string, hop: number) => boolean);

function isLoopback(address: string): boolean {
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  return a === '::1' || (isIP(a) === 4 && a.startsWith('127.'));
}

/**
 * TRUST_PROXY as Fastify's trustProxy. `true` never means "trust every hop"
 * (Fastify's own `true` takes the leftmost X-Forwarded-For entry, which the
 * client writes): it means one proxy on this machine, so only a loopback peer
 * may speak for the client, and only the entry that proxy appended counts.
 * A hop count n trusts the peer and the n-1 proxies before it; an
 * address/CIDR list trusts those proxies wherever they appear.
 */
export function trustProxyOption(trust: Config['trustProxy']): FastifyTrust {
  if (trust === true) return (address, hop) => hop === 0 && isLoopback(address);
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return trust;
}
