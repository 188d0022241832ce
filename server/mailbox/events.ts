import type { ServerEvent } from '../../shared/api/index.ts';

type Untagged<T> = T extends unknown ? Omit<T, 'account'> : never;

/**
 * What a mailbox tells its listeners: the wire's mailbox events without
 * their `account`. A mailbox knows nothing of tags; the socket adds the tag
 * of the account it subscribed to (server/ws/account-feed.ts).
 */
export type MailboxEvent = Untagged<Extract<ServerEvent, { account: string }>>;
