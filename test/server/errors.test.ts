import { afterEach, describe, expect, test } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { API_CODE_FOR_POP3, BridgeError, toApiError } from '../../server/errors.ts';
import { statusFor } from '../../server/http/errors.ts';
import { POP3_TRANSPORT_ERROR_CODES, Pop3TransportError } from '../../server/pop3-client/errors.ts';
import { SqliteStore } from '../../server/store/sqlite.ts';
import { ApiError, ErrorCode, HttpErrorBody } from '../../shared/api/index.ts';
import {
  POP3_LOCAL_ERROR_CODES, POP3_REMOTE_ERROR_CODES, Pop3LocalError, Pop3RemoteError, errorForReply, parseStatusLine,
} from '../../shared/pop3/index.ts';

describe('POP3 errors become API errors: codes and facts, no sentences', () => {
  test('every POP3 code maps to an API code; only the bridge misusing its own client is INTERNAL', () => {
    const all = [...POP3_LOCAL_ERROR_CODES, ...POP3_REMOTE_ERROR_CODES, ...POP3_TRANSPORT_ERROR_CODES];
    expect(Object.keys(API_CODE_FOR_POP3).sort()).toEqual([...all].sort());
    for (const code of all) {
      expect(ErrorCode.safeParse(API_CODE_FOR_POP3[code]).success, code).toBe(true);
      if (code !== 'BAD_STATE') expect(API_CODE_FOR_POP3[code], code).not.toBe('INTERNAL');
    }
  });

  test('each class is recognised by instanceof and carries its facts: server text, wait, limit', () => {
    const refused = errorForReply({ name: 'PASS', password: 'p' }, parseStatusLine(new TextEncoder().encode('-ERR [IN-USE] locked by pop3d 4711\r\n')));
    expect(toApiError(refused)).toEqual({ code: 'MAILDROP_IN_USE', serverText: '[IN-USE] locked by pop3d 4711' });
    expect(toApiError(new Pop3RemoteError('LOGIN_DELAY', 'wait', { delaySeconds: 299.5 }))).toEqual({ code: 'LOGIN_DELAY', retryAfterSeconds: 300 });
    expect(toApiError(new Pop3RemoteError('TOO_LARGE', 'big', { limit: 1024 }))).toEqual({ code: 'TOO_LARGE', limit: 1024 });
    expect(toApiError(new Pop3RemoteError('UNEXPECTED_END', 'eof'))).toEqual({ code: 'CONNECTION_CLOSED' });
    expect(toApiError(new Pop3TransportError('TIMEOUT', 'slow'))).toEqual({ code: 'TIMEOUT' });
    expect(toApiError(new Pop3LocalError('INVALID_ARGUMENT', 'password has a NUL'))).toEqual({ code: 'BAD_REQUEST' });
    expect(toApiError(new BridgeError('RATE_LIMITED', { retryAfterSeconds: 60 }))).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: 60 });
    for (const e of [toApiError(refused), toApiError(new BridgeError('MESSAGE_GONE'))]) expect(ApiError.safeParse(e).success).toBe(true);
  });

  test('a look-alike is not a POP3 error: only a real instance passes its code on', () => {
    const fake = Object.assign(new Error('x'), { name: 'Pop3Error', code: 'AUTH_FAILED' });
    expect(toApiError(fake)).toEqual({ code: 'INTERNAL' });
  });

  test('a long server text is cut to the bound the contract allows', () => {
    const e = new Pop3RemoteError('COMMAND_FAILED', 'no', { serverText: 'x'.repeat(2000) });
    expect(ApiError.safeParse(toApiError(e)).success).toBe(true);
  });

  test('the contract refuses a sentence: an error with a message does not validate', () => {
    expect(ApiError.safeParse({ code: 'INTERNAL', message: 'Something broke' }).success).toBe(false);
  });

  test('every code has an HTTP status', () => {
    for (const code of ErrorCode.options) expect(statusFor(code), code).toBeGreaterThanOrEqual(400);
    expect([statusFor('AUTH_FAILED'), statusFor('MESSAGE_GONE'), statusFor('FRAME_TOO_LARGE'), statusFor('CONNECT_FAILED')]).toEqual([401, 404, 413, 502]);
  });
});

describe('one error handler answers every HTTP error', () => {
  const apps: Array<{ close(): Promise<unknown> }> = [];
  afterEach(async () => { while (apps.length) await apps.pop()!.close(); });

  async function app() {
    const base = loadConfig({ DATA_DIR: ':memory:' });
    const built = await buildApp({ ...base, webRoot: '/nonexistent', servers: [{ id: 's0', label: 'x', host: '127.0.0.1', port: 9, security: 'plain', maxConnections: 1 }] },
      { logger: false, store: new SqliteStore(':memory:') });
    apps.push(built);
    return built;
  }

  test('unknown route, missing session, bad body, body not JSON and too large a body: each a code, no message', async () => {
    const a = await app();
    const cases = [
      [await a.inject({ method: 'GET', url: '/api/nothing' }), 404, 'NOT_FOUND'],
      [await a.inject({ method: 'GET', url: '/api/session' }), 401, 'UNAUTHORIZED'],
      [await a.inject({ method: 'GET', url: '/api/accounts/x/messages/uYQ/raw' }), 401, 'UNAUTHORIZED'],
      [await a.inject({ method: 'POST', url: '/api/session', payload: { serverId: 's0' } }), 400, 'BAD_REQUEST'],
      [await a.inject({ method: 'POST', url: '/api/session', payload: { serverId: 'zz', username: 'a', password: 'b' } }), 404, 'NOT_FOUND'],
      [await a.inject({ method: 'POST', url: '/api/session', headers: { 'content-type': 'application/json' }, payload: '{not json' }), 400, 'BAD_REQUEST'],
      [await a.inject({ method: 'POST', url: '/api/session', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ serverId: 's0', username: 'a', password: 'x'.repeat(9000) }) }), 413, 'FRAME_TOO_LARGE'],
    ] as const;
    for (const [res, status, code] of cases) {
      expect([res.statusCode, res.json()], code).toEqual([status, { error: { code } }]);
      expect(HttpErrorBody.safeParse(res.json()).success).toBe(true);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    }
  });

  test('a refused WebSocket upgrade goes through the same handler (FORBIDDEN_ORIGIN)', async () => {
    const a = await app();
    const res = await a.inject({ method: 'GET', url: '/api/ws', headers: { origin: 'https://evil.example', connection: 'upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' } });
    expect([res.statusCode, res.json()]).toEqual([403, { error: { code: 'FORBIDDEN_ORIGIN' } }]);
  });
});
