import { z } from 'zod';
import {
  AccountInfo,
  type AddAccountRequest,
  type UpdateAccountRequest,
} from '../../../shared/api/index.ts';
import { call, json, JSON_HEADERS } from './http.ts';

/** The HTTP requests of a person's accounts (docs/api.md, "Accounts"). */

const path = (account: string) => `/api/accounts/${encodeURIComponent(account)}`;

export async function listAccounts(): Promise<AccountInfo[]> {
  return json(await call('/api/accounts'), z.array(AccountInfo));
}

/** The server signs in to the account first; a refused login comes back as its error code. */
export async function addAccount(request: AddAccountRequest): Promise<AccountInfo> {
  const res = await call('/api/accounts', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(request) });
  return json(res, AccountInfo);
}

export async function updateAccount(account: string, request: UpdateAccountRequest): Promise<AccountInfo> {
  const res = await call(path(account), { method: 'PATCH', headers: JSON_HEADERS, body: JSON.stringify(request) });
  return json(res, AccountInfo);
}

export async function removeAccount(account: string): Promise<void> {
  await call(path(account), { method: 'DELETE' });
}
