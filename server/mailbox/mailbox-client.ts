import type { Capabilities } from '../../shared/pop3/capabilities.ts';
import type { Pop3RemoteError } from '../../shared/pop3/index.ts';
import type { Credentials } from '../pop3-client/mechanisms.ts';

export type { Credentials };

/**
 * The part of server/pop3-client/client.ts Pop3Client a mailbox session uses. Kept
 * as an interface so the session code names exactly what it relies on.
 */
export interface MailboxClient {
  readonly capabilities: Capabilities;
  readonly closed: boolean;
  list(): Promise<Array<{ msg: number; size: number }>>;
  uidl(): Promise<Array<{ msg: number; uid: string }> | null>;
  /** Pipelined TOP; each reply is cut to `maxBytes` as it arrives. */
  topMany(msgs: number[], lines: number, onEach: (msg: number, result: Uint8Array | Pop3RemoteError) => void, maxBytes?: number): Promise<void>;
  retr(msg: number): AsyncIterable<Uint8Array>;
  dele(msg: number): Promise<void>;
  quit(): Promise<void>;
  destroy(): void;
  onClose(listener: (error?: Error) => void): void;
}

/** Opens a connection and logs in; rejects with a Pop3Error. */
export type Pop3Connector = (serverId: string, credentials: Credentials) => Promise<MailboxClient>;
