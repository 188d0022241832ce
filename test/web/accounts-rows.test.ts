import { describe, expect, test } from 'vitest';
import type { AccountInfo, Summary } from '../../shared/api/index.ts';
import { AppError } from '../../web/lib/api/errors.ts';
import { errorText } from '../../web/lib/api/messages.ts';
import { accountStatus, progressText } from '../../web/lib/state/account-status.ts';
import { accountField, keysByAccount, rowId, splitRowId } from '../../web/lib/state/row-id.ts';
import { comparator, toRow } from '../../web/lib/state/rows.ts';

function summary(key: string, index: number, date: string | null, extra: Partial<Summary> = {}): Summary {
  return { key, index, from: { name: `From ${key}`, address: `${key}@example.com` }, to: [], subject: `Subject ${key}`, date, size: 100, hasAttachment: false, seen: false, ...extra };
}

describe('rows of several accounts keep their identity', () => {
  test('equal keys in two accounts are two rows, and the id splits back into account and key', () => {
    const a = toRow(summary('UID1', 0, null), 'alice');
    const b = toRow(summary('UID1', 0, null), 'bob');
    expect(a.id).not.toBe(b.id);
    expect(splitRowId(a.id)).toEqual({ account: 'alice', key: 'UID1' });
    // A key may hold dots, dashes and underscores; the tag ends at the first colon.
    expect(splitRowId(rowId('acc_2-x', 'a.b-c_d'))).toEqual({ account: 'acc_2-x', key: 'a.b-c_d' });
  });

  test('a delete or an Undo over several accounts names each account with exactly its own keys', () => {
    const ids = [rowId('alice', 'UID1'), rowId('bob', 'UID1'), rowId('alice', 'UID7'), rowId('carol', 'k.9')];
    expect([...keysByAccount(ids)]).toEqual([
      ['alice', ['UID1', 'UID7']],
      ['bob', ['UID1']],
      ['carol', ['k.9']],
    ]);
  });

  test('requests for the primary carry no account, as before accounts existed', () => {
    expect(accountField('alice', 'alice')).toEqual({});
    expect(accountField('bob', 'alice')).toEqual({ account: 'bob' });
  });
});

describe('the unified inbox merges accounts newest first', () => {
  const order = ['alice', 'bob', 'carol'];
  const rank = (a: string) => order.indexOf(a);
  const rows = [
    toRow(summary('a0', 0, '2026-03-03T10:00:00Z'), 'alice'),
    toRow(summary('a1', 1, '2026-03-01T10:00:00Z'), 'alice'),
    toRow(summary('b0', 0, '2026-03-04T10:00:00Z'), 'bob'),
    toRow(summary('b1', 1, '2026-03-01T10:00:00Z'), 'bob'),
    toRow(summary('c0', 0, '2026-03-02T10:00:00Z'), 'carol'),
    toRow(summary('c1', 1, '2026-03-01T10:00:00Z'), 'carol'),
  ];

  test('by date, and rows of equal date by account order (the primary first)', () => {
    const sorted = [...rows].reverse().sort(comparator('date', true, rank));
    expect(sorted.map((r) => r.key)).toEqual(['b0', 'a0', 'c0', 'a1', 'b1', 'c1']);
  });

  test('oldest first keeps account order on ties too, and one account alone keeps the server order', () => {
    const sorted = [...rows].reverse().sort(comparator('date', false, rank));
    expect(sorted.map((r) => r.key)).toEqual(['a1', 'b1', 'c1', 'c0', 'a0', 'b0']);
    const undated = [toRow(summary('x1', 1, null), 'alice'), toRow(summary('x0', 0, null), 'alice')];
    expect(undated.sort(comparator('date', true, rank)).map((r) => r.key)).toEqual(['x0', 'x1']);
  });

  test('other sorts fall back to account order, then the server order', () => {
    const same = [toRow(summary('s1', 1, null), 'bob'), toRow(summary('s0', 0, null), 'bob'), toRow(summary('s2', 0, null), 'alice')];
    expect(same.sort(comparator('size', true, rank)).map((r) => r.id)).toEqual(['alice:s2', 'bob:s0', 'bob:s1']);
  });
});

describe('each account states where it stands', () => {
  test('the account limit is named when the server gives it', () => {
    expect(errorText(AppError.from({ code: 'TOO_MANY_ACCOUNTS', limit: 10 }))).toContain('The limit is 10 accounts');
  });

  const info: AccountInfo = {
    account: 'bob', serverId: 'club', serverLabel: 'Club mail', username: 'bob', label: 'Club', colour: '#123456',
    primary: false, canSend: false, state: 'ready',
  };

  test('queued behind the connection cap: the server, the longest wait and the position', () => {
    expect(progressText({ phase: 'queued', loaded: 0, total: 0, queuePosition: 2, waitAtMostSeconds: 30 }, '“Club mail”'))
      .toBe('Waiting for a free connection to “Club mail”: it takes only a few at once from Popbridge and other mailboxes are using them (you are number 2 in line); at most 30 s more…');
    expect(progressText({ phase: 'queued', loaded: 0, total: 0 }, 'the mail server')).toBe('Waiting for a free connection to the mail server: it takes only a few at once from Popbridge and other mailboxes are using them…');
    expect(accountStatus(info, { phase: 'queued', loaded: 0, total: 0, waitAtMostSeconds: 5 }, undefined, undefined))
      .toEqual({ kind: 'busy', text: 'Waiting for a free connection to “Club mail”: it takes only a few at once from Popbridge and other mailboxes are using them; at most 5 s more…' });
  });

  test('needs password and a server error come first, with the reason worded from the code', () => {
    expect(accountStatus({ ...info, state: 'needsPassword' }, { phase: 'done', loaded: 1, total: 1 }, undefined, undefined).kind).toBe('password');
    const failed = accountStatus({ ...info, state: 'error', error: { code: 'MAILDROP_IN_USE' } }, null, undefined, undefined);
    expect(failed).toEqual({ kind: 'error', text: expect.stringContaining('in use by another mail program') });
    const syncFailed = accountStatus(info, null, AppError.from({ code: 'LOGIN_DELAY', retryAfterSeconds: 300 }), undefined);
    expect(syncFailed.text).toContain('(about 5 min)');
  });

  test('a finished sync shows connected, or the server notice such as LOGIN-DELAY', () => {
    expect(accountStatus(info, { phase: 'done', loaded: 3, total: 3 }, undefined, undefined)).toEqual({ kind: 'ok', text: 'Connected: 3 messages' });
    expect(accountStatus(info, { phase: 'done', loaded: 3, total: 3 }, undefined, 'Refresh every 10 min.').kind).toBe('warn');
  });
});
