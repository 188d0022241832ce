/**
 * A row's identity across accounts. Two accounts may hold messages with equal
 * keys (UIDLs), so the list, the selection and every delete name a row by its
 * account tag and key together. Tags are [A-Za-z0-9_-] only, so the first ':'
 * always ends the tag, whatever the key holds.
 */
export type RowId = string;

export function rowId(account: string, key: string): RowId {
  return `${account}:${key}`;
}

export function splitRowId(id: RowId): { account: string; key: string } {
  const at = id.indexOf(':');
  return { account: id.slice(0, at), key: id.slice(at + 1) };
}

/** Row ids grouped by account, keys in the order given: one request per account. */
export function keysByAccount(ids: Iterable<RowId>): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const id of ids) {
    const { account, key } = splitRowId(id);
    const keys = groups.get(account);
    if (keys) keys.push(key);
    else groups.set(account, [key]);
  }
  return groups;
}

/** The request payload part naming an account: nothing for the primary, as before accounts existed. */
export function accountField(account: string, primary: string | undefined): { account?: string } {
  return account === primary ? {} : { account };
}
