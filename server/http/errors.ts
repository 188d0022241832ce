import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { ApiError, ErrorCode } from '../../shared/api/index.ts';
import { BridgeError, toApiError } from '../errors.ts';

/** The HTTP status of each error code; a Record, so a new code needs a decision here. */
const STATUS: Readonly<Record<ErrorCode, number>> = {
  AUTH_FAILED: 401,
  MAILDROP_IN_USE: 409,
  LOGIN_DELAY: 429,
  TIMEOUT: 504,
  // The POP3 server failed us: a bad gateway, whatever the cause.
  TLS: 502,
  CONNECT_FAILED: 502,
  CONNECTION_CLOSED: 502,
  STLS_UNAVAILABLE: 502,
  NO_SAFE_MECHANISM: 502,
  TEMPORARY: 502,
  PERMANENT: 502,
  PROTOCOL: 502,
  TOO_LARGE: 502,
  NOT_SUPPORTED: 502,
  COMMAND_FAILED: 502,
  MESSAGE_INTERRUPTED: 502,
  SERVER_TOO_SLOW: 504,
  SEND_NOT_CONFIGURED: 403,
  INVALID_ADDRESS: 400,
  INVALID_HEADER: 400,
  // The SMTP server failed us, or refused what the person wrote (422: fix it and send again).
  SMTP_CONNECT_FAILED: 502,
  SMTP_TLS: 502,
  SMTP_TIMEOUT: 504,
  SMTP_AUTH_FAILED: 502,
  SMTP_SENDER_REFUSED: 422,
  SMTP_RECIPIENT_REFUSED: 422,
  SMTP_MESSAGE_TOO_LARGE: 413,
  SMTP_MESSAGE_REFUSED: 422,
  SMTP_TEMPORARY: 503,
  SMTP_CONNECTION_CLOSED: 502,
  SMTP_OUTCOME_UNKNOWN: 502,
  SEND_RATE_LIMITED: 429,
  TOO_MANY_RECIPIENTS: 400,
  ATTACHMENT_TOO_LARGE: 413,
  TOO_MANY_ATTACHMENTS: 400,
  DRAFT_LOCKED: 409,
  BAD_REQUEST: 400,
  NOT_FOUND: 404,
  UNAUTHORIZED: 401,
  RATE_LIMITED: 429,
  SESSION_EXPIRED: 401,
  MESSAGE_GONE: 404,
  AMBIGUOUS_MESSAGE: 409,
  FORBIDDEN_ORIGIN: 403,
  FORBIDDEN_HOST: 403,
  // The bridge's own caps: nothing is wrong with the request itself.
  TOO_MANY_SESSIONS: 503,
  TOO_MANY_SOCKETS: 429,
  TOO_MANY_REQUESTS: 429,
  FRAME_TOO_LARGE: 413,
  ACCOUNT_EXISTS: 409,
  TOO_MANY_ACCOUNTS: 409,
  ACCOUNT_IS_PRIMARY: 409,
  ACCOUNT_NOT_READY: 409,
  INTERNAL: 500,
};

export function statusFor(code: ErrorCode): number {
  return STATUS[code];
}

/** Fastify's own 4xx (a body that is not JSON, too large, a bad content type) are the client's mistake. */
function fromFastify(error: unknown): ApiError | undefined {
  const status = (error as Partial<FastifyError> | null)?.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  return { code: status === 413 ? 'FRAME_TOO_LARGE' : 'BAD_REQUEST' };
}

/** For the not-found handlers: an unknown route is an error like any other. */
export function notFound(): never {
  throw new BridgeError('NOT_FOUND');
}

/**
 * The one place an error becomes an HTTP answer: routes and hooks throw, this
 * sends `{ error: ApiError }` with the status of its code.
 */
async function errorHandler(app: FastifyInstance): Promise<void> {
  app.setErrorHandler(async (error, req, reply) => {
    const body = fromFastify(error) ?? toApiError(error);
    if (body.code === 'INTERNAL') req.log.error({ err: error }, 'request failed');
    else req.log.info({ code: body.code, url: req.routeOptions.url }, 'request refused');
    // A route may have set headers for a body that never came (a download's name, a long cache).
    reply.removeHeader('content-disposition');
    reply.header('cache-control', 'no-store');
    if (body.retryAfterSeconds !== undefined) reply.header('retry-after', String(body.retryAfterSeconds));
    return reply.code(statusFor(body.code)).type('application/json; charset=utf-8').send({ error: body });
  });
}

export default fp(errorHandler, { name: 'error-handler' });
