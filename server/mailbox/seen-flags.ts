import type { MailboxEvent } from './events.ts';
import type { MailStore } from '../store/store.ts';
import type { MailboxView } from './publish-plan.ts';

/**
 * POP3 has no flags, so seen state lives in the store, per account and key.
 * Only keys of the current view are marked: the others name no message.
 */
export function markSeen(
  store: MailStore, account: string, view: MailboxView | null, keys: string[], seen: boolean, emit: (event: MailboxEvent) => void,
): string[] {
  const known = view ? keys.filter((k) => view.targets.has(k)) : [];
  store.setSeen(account, known, seen);
  if (known.length) emit({ type: 'seenChanged', keys: known, seen });
  return known;
}
