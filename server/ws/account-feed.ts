import type { ServerEvent, ServerMessage } from '../../shared/api/index.ts';
import type { Config } from '../config.ts';
import { accountInfos } from '../accounts/account-info.ts';
import type { MailboxEvent } from '../mailbox/events.ts';
import type { MailboxRegistry } from '../mailbox/registry.ts';
import type { MailboxSession } from '../mailbox/session.ts';
import type { WebSession } from '../sessions/web-sessions.ts';

/** A mailbox event as the wire carries it: tagged with the account it came from. */
export function tagged(tag: string, event: MailboxEvent): ServerEvent {
  return { ...event, account: tag } as ServerEvent;
}

/**
 * Feeds one socket the events of every ready account of its session, each
 * tagged, and an `accounts` event whenever the set or a state changes.
 * Accounts added while the socket is open are subscribed as they become ready.
 * Returns the function that stops it all.
 */
export function accountFeed(
  session: WebSession, registry: MailboxRegistry, config: Config, send: (m: ServerMessage) => void,
): () => void {
  const subscribed = new Map<string, { mailbox: MailboxSession; off: () => void }>();
  const reconcile = (): void => {
    const live = new Set<string>();
    for (const a of session.accounts.list()) {
      const mailbox = a.state === 'ready' ? registry.get(a.id) : undefined;
      if (!mailbox) continue;
      live.add(a.tag);
      const current = subscribed.get(a.tag);
      if (current?.mailbox === mailbox) continue;
      current?.off();
      subscribed.set(a.tag, { mailbox, off: mailbox.subscribe((e) => send(tagged(a.tag, e))) });
    }
    for (const [tag, s] of subscribed) {
      if (!live.has(tag)) { s.off(); subscribed.delete(tag); }
    }
  };
  const announce = (): void => {
    // Subscribed first: a tab that syncs an account on seeing it ready gets every event.
    reconcile();
    send({ type: 'accounts', items: accountInfos(session.accounts, config) });
  };
  reconcile();
  const offChange = session.accounts.onChange(announce);
  return () => {
    offChange();
    for (const s of subscribed.values()) s.off();
    subscribed.clear();
  };
}
