import type { z } from 'zod';
import {
  HttpErrorBody,
  PublicConfig,
  RawOutcome,
  SessionInfo,
  type SignInRequest,
} from '../../../shared/api/index.ts';
import { AppError } from './errors.ts';

export async function call(path: string, init: RequestInit = {}): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, { credentials: 'same-origin', ...init });
  } catch (err) {
    throw new AppError('NETWORK', err instanceof Error ? err.message : String(err));
  }
  if (res.ok) return res;
  const body = HttpErrorBody.safeParse(await res.json().catch(() => null));
  if (body.success) throw AppError.from(body.data.error);
  throw new AppError(res.status === 401 ? 'UNAUTHORIZED' : 'BAD_RESPONSE', `HTTP ${res.status}`);
}

export async function json<T>(res: Response, schema: z.ZodType<T>): Promise<T> {
  const parsed = schema.safeParse(await res.json().catch(() => null));
  if (!parsed.success) throw new AppError('BAD_RESPONSE', parsed.error.message);
  return parsed.data;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

export async function getConfig(): Promise<PublicConfig> {
  return json(await call('/api/config'), PublicConfig);
}

/** The current session, or null when signed out. */
export async function getSession(): Promise<SessionInfo | null> {
  try {
    return await json(await call('/api/session'), SessionInfo);
  } catch (err) {
    if (err instanceof AppError && (err.code === 'UNAUTHORIZED' || err.code === 'SESSION_EXPIRED')) return null;
    throw err;
  }
}

export async function signIn(request: SignInRequest): Promise<SessionInfo> {
  const res = await call('/api/session', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(request) });
  return json(res, SessionInfo);
}

export async function signOut(): Promise<void> {
  await call('/api/session', { method: 'DELETE' });
}

/** A message's bytes, under its account (SessionInfo.account): keys are unique only within one account. */
export function rawUrl(account: string, key: string, download = false): string {
  return `/api/accounts/${encodeURIComponent(account)}/messages/${encodeURIComponent(key)}/raw${download ? '?download=1' : ''}`;
}

export async function fetchRaw(account: string, key: string): Promise<ArrayBuffer> {
  const url = rawUrl(account, key);
  const res = await call(url);
  try {
    return await res.arrayBuffer();
  } catch (err) {
    throw await cutShort(url, err);
  }
}

/**
 * The bridge answered, then the body broke off. Only the bridge knows whether
 * the mail server dropped the RETR (server/http/raw-outcome.ts); when it
 * cannot be asked either, the bridge itself is out of reach.
 */
async function cutShort(url: string, err: unknown): Promise<AppError> {
  const detail = err instanceof Error ? err.message : String(err);
  try {
    const outcome = await json(await call(`${url}/outcome`), RawOutcome);
    if (outcome.error) return AppError.from(outcome.error);
  } catch {
    // Not reachable now: the network error below is the truth.
  }
  return new AppError('NETWORK', detail);
}
