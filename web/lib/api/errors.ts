import type { ApiError, ErrorCode } from '../../../shared/api/index.ts';

/** Errors the browser itself detects, beside the server's codes. */
export type ClientErrorCode = 'NETWORK' | 'BAD_RESPONSE' | 'PARSE_FAILED';

export class AppError extends Error {
  readonly code: ErrorCode | ClientErrorCode;
  readonly retryAfterSeconds: number | undefined;
  constructor(code: ErrorCode | ClientErrorCode, message: string, retryAfterSeconds?: number) {
    super(message);
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }
  static from(error: ApiError): AppError {
    return new AppError(error.code, error.message, error.retryAfterSeconds);
  }
}

export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  return new AppError('NETWORK', err instanceof Error ? err.message : String(err));
}
