import type { MailboxEvent } from './events.ts';

/**
 * Whether a refresh may log in again now. A refresh is a new login at the
 * provider, so it waits for the server's LOGIN-DELAY (RFC 2449 section 6.8)
 * and for the bridge's own minimum interval, whichever is later; refused,
 * it gets this notice and the mailbox as of the last login.
 */
export function refreshRefusal(loginDelayLeftMs: number, sinceLoginMs: number, minIntervalMs: number): MailboxEvent | null {
  const limitLeftMs = minIntervalMs - sinceLoginMs;
  if (loginDelayLeftMs <= 0 && limitLeftMs <= 0) return null;
  const seconds = Math.ceil(Math.max(loginDelayLeftMs, limitLeftMs) / 1000);
  if (loginDelayLeftMs >= limitLeftMs) {
    return { type: 'mailboxNotice', notice: 'LOGIN_DELAY', seconds };
  }
  return { type: 'mailboxNotice', notice: 'REFRESH_LIMITED', seconds };
}
