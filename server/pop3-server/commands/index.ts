// The verb map of the base server, one handler per verb. Variations replace
// entries; quirks may wrap these to change one detail of a verb.

import type { Verb } from '../states.ts';
import type { Handler } from '../types.ts';
import { CAPA } from './capa.ts';
import { APOP, PASS, USER } from './login.ts';
import { AUTH } from './sasl.ts';
import { STLS } from './stls.ts';
import { DELE, LIST, NOOP, QUIT, RETR, RSET, STAT, TOP, UIDL } from './transaction.ts';

export const baseHandlers: Readonly<Record<Verb, Handler>> = {
  USER, PASS, APOP, AUTH, STAT, LIST, RETR, DELE, NOOP, RSET, QUIT, TOP, UIDL, CAPA, STLS,
};

export { capabilityLines } from './capa.ts';
export { completeLogin, failLogin } from './login.ts';
export { pickMessage } from './transaction.ts';
