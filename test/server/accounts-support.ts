import { expect } from 'vitest';
import type { AccountInfo } from '../../shared/api/index.ts';
import type { TestBrowser, Tab } from './client.ts';
import { Summaries } from './client.ts';

/** Adds an account over HTTP; the reply's AccountInfo. */
export async function addAccount(browser: TestBrowser, serverId: string, username: string, password: string): Promise<AccountInfo> {
  const res = await browser.http('POST', '/api/accounts', { serverId, username, password });
  expect(res.status, `adding ${username}: ${JSON.stringify(res.json)}`).toBe(201);
  return res.json as AccountInfo;
}

/** Waits until the tab's latest `accounts` event shows the account in this state. */
export async function accountState(tab: Tab, tag: string, state: AccountInfo['state'], timeoutMs = 20_000): Promise<AccountInfo> {
  const e = await tab.next('accounts', (ev) => ev.items.some((i) => i.account === tag && i.state === state), 0, timeoutMs);
  return e.items.find((i) => i.account === tag)!;
}

/** Syncs one account over the tab; its listing, from events tagged with that account only. */
export async function syncAccount(tab: Tab, tag: string, refresh = false): Promise<Summaries> {
  const from = tab.events.length;
  const reply = await tab.request({ type: 'sync', account: tag, refresh });
  if (reply.error) throw new Error(reply.error.code);
  const done = await tab.next('syncDone', (e) => e.account === tag, from);
  const summaries = new Summaries();
  for (const e of tab.events.slice(from)) {
    if (e === done) break;
    if (e.type === 'summaries' && e.account === tag) for (const s of e.items) summaries.set(s.key, s);
  }
  return summaries;
}

/** The key of the message with this subject in a listing. */
export function keyOf(list: Summaries, subject: string): string {
  const s = [...list.values()].find((m) => m.subject === subject);
  if (!s) throw new Error(`no message "${subject}"`);
  return s.key;
}

/** Polls GET /api/accounts until the account is in this state. */
export async function pollState(browser: TestBrowser, tag: string, state: AccountInfo['state'], timeoutMs = 20_000): Promise<AccountInfo> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const list = (await browser.http('GET', '/api/accounts')).json as AccountInfo[];
    const a = list.find((i) => i.account === tag);
    if (a?.state === state) return a;
    if (Date.now() > deadline) throw new Error(`account ${tag} is ${a?.state}, not ${state}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
