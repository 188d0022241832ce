export { startPop3Server, type Pop3Server } from './server.ts';
export { Maildrop, type MessageInput, type StoredMessage } from './maildrop.ts';
export { baseHandlers, capabilityLines, completeLogin, failLogin, pickMessage } from './commands/index.ts';
export { dotStuffed, normaliseCrlf, topOf } from './wire.ts';
export { Pop3dError, type Pop3dErrorCode } from './errors.ts';
export type { Session } from './session.ts';
export type { Verb, State } from './states.ts';
export type { Handler, MaildropSource, Pop3ServerOptions, Pop3User, Variation } from './types.ts';
