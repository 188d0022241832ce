// RFC 2595 §4 STLS: switch the plain connection to TLS before login.

import type { Handler } from '../types.ts';

export const STLS: Handler = async (session, args) => {
  if (args !== '') return session.reply('-ERR STLS takes no arguments');
  if (!session.server.secureContext) return session.reply('-ERR STLS is not offered by this server');
  if (session.tls) return session.reply('-ERR Already using TLS');
  await session.reply('+OK Begin TLS negotiation');
  session.startTls();
};
