import { afterEach, describe, expect, test, vi } from 'vitest';
import { AppError } from '../../web/lib/api/errors.ts';
import { fetchRaw } from '../../web/lib/api/http.ts';

/** A 200 whose body breaks off after a few bytes, as a destroyed chunked response does. */
function brokenBody(): Response {
  const body = new ReadableStream<Uint8Array>({
    start(c) { c.enqueue(new TextEncoder().encode('Subject: half')); c.error(new TypeError('network error')); },
  });
  return new Response(body, { status: 200 });
}
const json = (value: unknown) => new Response(JSON.stringify(value), { status: 200, headers: { 'content-type': 'application/json' } });

async function failure(): Promise<AppError> {
  const err = await fetchRaw('acct', 'uKEY').then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

afterEach(() => { vi.unstubAllGlobals(); });

describe('a message read that fails names who failed', () => {
  test('the body breaks and the bridge says the mail server cut it: MESSAGE_INTERRUPTED', async () => {
    const calls: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      calls.push(url);
      return url.endsWith('/outcome') ? json({ error: { code: 'MESSAGE_INTERRUPTED' } }) : brokenBody();
    });
    expect((await failure()).code).toBe('MESSAGE_INTERRUPTED');
    expect(calls).toEqual(['/api/accounts/acct/messages/uKEY/raw', '/api/accounts/acct/messages/uKEY/raw/outcome']);
  });

  test('the body breaks and the bridge cannot be asked: NETWORK', async () => {
    vi.stubGlobal('fetch', async (url: string) => {
      if (url.endsWith('/outcome')) throw new TypeError('Failed to fetch');
      return brokenBody();
    });
    expect((await failure()).code).toBe('NETWORK');
  });

  test('the body breaks but the bridge saw no failure: the link to the bridge broke, NETWORK', async () => {
    vi.stubGlobal('fetch', async (url: string) => (url.endsWith('/outcome') ? json({ error: null }) : brokenBody()));
    expect((await failure()).code).toBe('NETWORK');
  });

  test('no answer at all: NETWORK; an error answer keeps its code', async () => {
    vi.stubGlobal('fetch', async () => { throw new TypeError('Failed to fetch'); });
    expect((await failure()).code).toBe('NETWORK');
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ error: { code: 'MESSAGE_INTERRUPTED' } }), { status: 502 }));
    expect((await failure()).code).toBe('MESSAGE_INTERRUPTED');
  });
});
