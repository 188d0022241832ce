import type { ApiError, ErrorCode } from '../shared/api/index.ts';
import { ErrorCode as ErrorCodeSchema } from '../shared/api/index.ts';

/** An error the bridge reports to the browser with a stable code. */
export class BridgeError extends Error {
  constructor(readonly code: ErrorCode, message: string, readonly retryAfterSeconds?: number) {
    super(message);
    this.name = 'BridgeError';
  }
}

const SIGN_IN_MESSAGES: Partial<Record<ErrorCode, string>> = {
  AUTH_FAILED: 'The mail server refused this username or password.',
  MAILDROP_IN_USE: 'Another program is using this mailbox right now; close it or wait a minute and try again.',
  LOGIN_DELAY: 'The mail server asks to wait before signing in again.',
  TIMEOUT: 'The mail server did not answer in time; try again later.',
  TLS: 'A secure connection to the mail server could not be set up (TLS handshake or certificate).',
  CONNECT_FAILED: 'The mail server cannot be reached.',
};

/** Any thrown value as an API error; Pop3Error codes pass through where the API has them. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof BridgeError) {
    return { code: e.code, message: e.message, ...(e.retryAfterSeconds !== undefined ? { retryAfterSeconds: e.retryAfterSeconds } : {}) };
  }
  const err = e as { code?: unknown; message?: unknown; delaySeconds?: unknown; name?: unknown };
  if (err && err.name === 'Pop3Error' && typeof err.code === 'string') {
    const parsed = ErrorCodeSchema.safeParse(err.code);
    const code: ErrorCode = parsed.success ? parsed.data : 'INTERNAL';
    const message = SIGN_IN_MESSAGES[code] ?? (typeof err.message === 'string' ? err.message : 'Mail server error');
    const retry = typeof err.delaySeconds === 'number' ? { retryAfterSeconds: Math.ceil(err.delaySeconds) } : {};
    return { code, message, ...retry };
  }
  return { code: 'INTERNAL', message: 'Unexpected error in the bridge; the server log has details.' };
}
