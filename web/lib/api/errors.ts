import type { ApiError, ErrorCode } from '../../../shared/api/index.ts';

/** Errors the browser itself detects, beside the server's codes. */
export type ClientErrorCode = 'NETWORK' | 'BAD_RESPONSE' | 'PARSE_FAILED';

/** The facts an error carries besides its code; the words come from messages.ts. */
export type ErrorFacts = Omit<ApiError, 'code'>;

export class AppError extends Error {
  readonly code: ErrorCode | ClientErrorCode;
  readonly facts: ErrorFacts;
  /** `detail` is for the console only; it is never shown. */
  constructor(code: ErrorCode | ClientErrorCode, detail: string = code, facts: ErrorFacts = {}) {
    super(detail);
    this.code = code;
    this.facts = facts;
  }
  static from({ code, ...facts }: ApiError): AppError {
    return new AppError(code, code, facts);
  }
}

export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  return new AppError('NETWORK', err instanceof Error ? err.message : String(err));
}
