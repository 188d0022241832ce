import type { AccountInfo } from '../../shared/api/index.ts';
import type { Config } from '../config.ts';
import type { SessionAccounts, SessionAccount } from './session-accounts.ts';

/** What the browser sees of an account: its tag, never the registry's id. */
export function accountInfo(a: SessionAccount, config: Config): AccountInfo {
  const server = config.servers.find((s) => s.id === a.serverId);
  return {
    account: a.tag, serverId: a.serverId, serverLabel: server?.label ?? a.serverId, username: a.username,
    label: a.label, colour: a.colour, primary: a.primary, canSend: server?.smtp !== undefined, state: a.state,
    ...(a.error ? { error: a.error } : {}),
  };
}

export function accountInfos(accounts: SessionAccounts, config: Config): AccountInfo[] {
  return accounts.list().map((a) => accountInfo(a, config));
}
