import type { ApiError, ErrorCode } from '../shared/api/index.ts';
import { isPop3Error } from './pop3-client/errors.ts';
import type { Pop3ErrorCode } from './pop3-client/errors.ts';

/** What an error tells the browser besides its code: facts, never sentences (the web app has the words). */
export type ErrorFacts = Omit<ApiError, 'code'>;

/**
 * An error the bridge reports to the browser with a stable code. `new
 * BridgeError(code, facts?)`; the Error message is the code, for logs.
 */
export class BridgeError extends Error {
  override readonly name = 'BridgeError';
  constructor(readonly code: ErrorCode, readonly facts: ErrorFacts = {}) {
    super(code);
  }
}

/**
 * Every POP3 code, as the API reports it. A Record, so a new POP3 code does
 * not compile until someone decides what the browser sees.
 */
export const API_CODE_FOR_POP3: Readonly<Record<Pop3ErrorCode, ErrorCode>> = {
  // The bridge misused its own POP3 client, or a credential cannot travel in a command line.
  BAD_STATE: 'INTERNAL',
  INVALID_ARGUMENT: 'BAD_REQUEST',
  AUTH_FAILED: 'AUTH_FAILED',
  MAILDROP_IN_USE: 'MAILDROP_IN_USE',
  LOGIN_DELAY: 'LOGIN_DELAY',
  TEMPORARY: 'TEMPORARY',
  PERMANENT: 'PERMANENT',
  PROTOCOL: 'PROTOCOL',
  UNEXPECTED_END: 'CONNECTION_CLOSED',
  TOO_LARGE: 'TOO_LARGE',
  NOT_SUPPORTED: 'NOT_SUPPORTED',
  STLS_UNAVAILABLE: 'STLS_UNAVAILABLE',
  NO_SAFE_MECHANISM: 'NO_SAFE_MECHANISM',
  COMMAND_FAILED: 'COMMAND_FAILED',
  TIMEOUT: 'TIMEOUT',
  TLS: 'TLS',
  CONNECT_FAILED: 'CONNECT_FAILED',
  CONNECTION_CLOSED: 'CONNECTION_CLOSED',
};

/** Longest server text passed on (the schema's bound); a status line may be longer. */
const MAX_SERVER_TEXT = 512;

/** Any thrown value as an API error: a code and its facts. Anything unknown is INTERNAL. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof BridgeError) return { code: e.code, ...e.facts };
  if (isPop3Error(e)) {
    return {
      code: API_CODE_FOR_POP3[e.code],
      ...(e.serverText ? { serverText: e.serverText.slice(0, MAX_SERVER_TEXT) } : {}),
      ...(e.delaySeconds !== undefined ? { retryAfterSeconds: Math.ceil(e.delaySeconds) } : {}),
      ...(e.limit !== undefined ? { limit: e.limit } : {}),
    };
  }
  return { code: 'INTERNAL' };
}
