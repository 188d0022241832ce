// RFC 2449 CAPA. The list is per session: STLS only while it can be used.

import type { Session } from '../session.ts';
import type { Handler } from '../types.ts';
import { SASL_MECHANISMS } from './sasl.ts';

export function capabilityLines(session: Session): string[] {
  const lines = [
    'TOP',
    'UIDL',
    'USER',
    `SASL ${SASL_MECHANISMS.join(' ')}`,
    'PIPELINING',
    'RESP-CODES',
    'AUTH-RESP-CODE',
    'EXPIRE NEVER',
    'IMPLEMENTATION Popbridge-demo',
  ];
  if (session.server.secureContext && !session.tls && session.state === 'AUTHORIZATION') lines.push('STLS');
  return session.server.variation.capabilities?.(lines, session) ?? lines;
}

export const CAPA: Handler = async (session, args) => {
  if (args !== '') return session.reply('-ERR CAPA takes no arguments');
  await session.replyLines('+OK Capability list follows', capabilityLines(session));
};
