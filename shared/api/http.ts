import { z } from 'zod';
import { ApiError } from './errors.ts';

/** GET /api/config — public, before sign-in. */
export const PublicConfig = z.strictObject({
  servers: z.array(z.strictObject({
    id: z.string(),
    label: z.string(),
    /** The server has an SMTP submission server configured: compose, reply and forward are offered. */
    canSend: z.boolean(),
  })),
  /** Credentials of the embedded demo mailbox, or null outside demo mode. */
  demo: z.strictObject({ username: z.string(), password: z.string() }).nullable(),
});
export type PublicConfig = z.infer<typeof PublicConfig>;

/** POST /api/session — sign in. */
export const SignInRequest = z.strictObject({
  serverId: z.string().min(1).max(64),
  username: z.string().min(1).max(256),
  password: z.string().min(1).max(1024),
});
export type SignInRequest = z.infer<typeof SignInRequest>;

/** 200 reply of POST /api/session and GET /api/session. */
export const SessionInfo = z.strictObject({
  username: z.string(),
  serverId: z.string(),
  /** The account's opaque tag in message URLs (/api/accounts/:account/messages/:key/raw). */
  account: z.string(),
  /** This session may send mail (its server has SMTP configured). */
  canSend: z.boolean(),
});
export type SessionInfo = z.infer<typeof SessionInfo>;

/** Body of every non-2xx JSON reply of the HTTP API. */
export const HttpErrorBody = z.strictObject({ error: ApiError });
export type HttpErrorBody = z.infer<typeof HttpErrorBody>;

/**
 * GET /api/messages/:key/raw/outcome: why the last raw stream of this message
 * ended early (the error that cut it), or null when none did.
 */
export const RawOutcome = z.strictObject({ error: ApiError.nullable() });
export type RawOutcome = z.infer<typeof RawOutcome>;

/** GET /api/health */
export const Health = z.strictObject({ status: z.literal('ok') });
export type Health = z.infer<typeof Health>;
