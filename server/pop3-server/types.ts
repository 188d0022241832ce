// The server's options and the hook points a variation (test/fixtures/
// quirks.ts) plugs into. The base server uses none of the hooks.

import type { Maildrop, MessageInput } from './maildrop.ts';
import type { Session } from './session.ts';
import type { Verb } from './states.ts';

/** Runs one command; `args` is everything after the verb and its space. */
export type Handler = (session: Session, args: string) => Promise<void> | void;

export interface Variation {
  /** Shown in test names and logs. */
  name?: string;
  /** Replaces sending the greeting; `line` is what the base server would send. */
  greeting?: (session: Session, line: string) => Promise<void> | void;
  /** Replaces the handlers of these verbs (the state table still applies). */
  handlers?: Partial<Record<Verb, Handler>>;
  /** Replaces putting bytes on the wire; `send` is the base, back-pressure aware write. */
  write?: (bytes: Uint8Array, send: (bytes: Uint8Array) => Promise<void>, session: Session) => Promise<void>;
  /** Rewrites every status line ("+OK ..." / "-ERR ...", not data lines). */
  status?: (line: string) => string;
  /** Formats the fields of a STAT reply, a LIST scan line or a UIDL line. */
  scanLine?: (fields: readonly (string | number)[]) => string;
  /** Rewrites the CAPA lines. */
  capabilities?: (lines: string[], session: Session) => string[];
  /** Runs after the credentials proved right; a returned -ERR line refuses the login. */
  login?: (session: Session, username: string) => string | undefined;
  /** Added to every user's maildrop at start, after the configured mail. */
  messages?: ReadonlyArray<{ bytes: Uint8Array | string; uid?: string }>;
}

export interface Pop3User {
  username: string;
  password: string;
}

/** A folder of .eml files (copied into memory; `deleteFiles` makes a
 * committed DELE remove the file too), messages in memory, or a Maildrop
 * to share between servers (e.g. a plain and an implicit-TLS one). */
export type MaildropSource =
  | { folder: string; deleteFiles?: boolean }
  | { messages: readonly MessageInput[] }
  | Maildrop;

export interface Pop3ServerOptions {
  /** Loopback only by default. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  users: readonly Pop3User[];
  /** Per username; users without one get an empty maildrop. */
  maildrops?: Readonly<Record<string, MaildropSource>>;
  /** PEM key and certificate: enables STLS on the plain port (RFC 2595). */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** The port speaks TLS from the first byte (RFC 8314); needs `tls`. */
  implicitTls?: boolean;
  /** CAPA (RFC 2449); off makes a minimal RFC 1939 server. Default on. */
  capabilities?: boolean;
  /** The APOP timestamp in the greeting and the APOP command. Default on. */
  apop?: boolean;
  /** RFC 1939 autologout. Default 10 minutes. */
  idleTimeoutMs?: number;
  variation?: Variation;
}
