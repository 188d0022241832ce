import { isIP } from 'node:net';
import { z } from 'zod';

/** What a configuration may say, as zod schemas, and the resolved types the rest of the server reads. */

export const Security = z.enum(['tls', 'starttls', 'plain']);

/** `{user}` is replaced by the user name; the result must be an address (local@domain). */
export const FromTemplate = z.string().regex(/^[^\s@<>"]*\{user\}[^\s@<>"]*@[^\s@<>"]+\.?[^\s@<>"]*$/, 'use a template like "{user}@example.org"');

/** The provider's submission server (RFC 6409); without it the server has no sending. */
const SmtpEntry = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).optional(),
  security: Security.default('tls'),
  /** PEM file of a CA to trust in addition to the system roots. */
  caFile: z.string().min(1).optional(),
  /** From address for user names that are not addresses, e.g. "{user}@example.org". */
  fromTemplate: FromTemplate.optional(),
});

const ServerEntry = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'use 1-64 letters, digits, "_" or "-"'),
  label: z.string().min(1).max(100),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).optional(),
  security: Security.default('tls'),
  /** PEM file of a CA to trust in addition to the system roots. */
  caFile: z.string().min(1).optional(),
  /**
   * Concurrent POP3 connections to this server. Every user reaches it from
   * the bridge's one address and servers cap connections per address
   * (Courier's default is 4), so stay at or below that cap.
   */
  maxConnections: z.number().int().min(1).max(100).default(4),
  smtp: SmtpEntry.optional(),
});

/** A proxy address, CIDR range, or one of proxy-addr's names for ranges. */
export const ProxyAddress = z.string().refine((v) => {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(v)) return true;
  const [ip, bits, ...rest] = v.split('/');
  const family = isIP(ip ?? '');
  if (!family || rest.length) return false;
  return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}, 'expected true, false, a hop count, or IP addresses/CIDR ranges (or loopback, linklocal, uniquelocal)');

export const FileConfig = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8080),
  dataDir: z.string().min(1).default('./data'),
  /** Origin the browser sees (https://mail.example.org) when behind a proxy. */
  publicOrigin: z.url().optional(),
  /**
   * Which peers may set X-Forwarded-For/-Proto/-Host: false (none), true (one
   * proxy on this machine: the peer must be loopback and only the entry it
   * appended counts), a hop count, or a list of proxy addresses/CIDRs.
   */
  trustProxy: z.union([z.boolean(), z.number().int().min(1).max(10), z.array(ProxyAddress).min(1)]).default(false),
  /** Host header values accepted besides loopback and publicOrigin's host (stops DNS rebinding). */
  allowedHosts: z.array(z.string().min(1)).default([]),
  sessionLifetimeSeconds: z.number().int().min(60).default(12 * 3600),
  /** A session unused this long ends (an open tab keeps it alive); 0 = lifetime only. */
  sessionIdleSeconds: z.number().int().min(0).default(3600),
  /** Live sessions in all, per account and per client address: a full table refuses new sign-ins, never ends live ones. */
  maxWebSessions: z.number().int().min(1).default(10_000),
  sessionsPerAccount: z.number().int().min(1).default(20),
  sessionsPerClient: z.number().int().min(1).default(100),
  /** Accounts in one person's inbox, the primary included (each holds a POP3 connection and a cached mailbox). */
  maxAccountsPerPerson: z.number().int().min(1).max(50).default(10),
  /** WebSockets per session and per account (stops one user exhausting memory). */
  socketsPerSession: z.number().int().min(1).default(8),
  socketsPerAccount: z.number().int().min(1).default(32),
  /** Unsent bytes a socket may queue before it is closed as a reader that does not read. */
  socketMaxBufferedBytes: z.number().int().min(64 * 1024).default(8 * 1024 * 1024),
  /** Whole request (headers and body), headers alone, and an idle connection: slow clients cannot hold sockets. */
  requestTimeoutSeconds: z.number().int().min(1).default(30),
  headersTimeoutSeconds: z.number().int().min(1).default(15),
  connectionIdleSeconds: z.number().int().min(1).default(120),
  /** QUIT an unused POP3 connection after this long, so other clients get in. */
  idleCloseSeconds: z.number().int().min(1).default(60),
  /** Reconnect to look for new mail this often while a tab is open; 0 = never. */
  refreshIntervalSeconds: z.number().int().min(0).default(300),
  /** A refresh logs in again at most this often per account, so a refresh flood is no login storm at the provider. */
  minRefreshIntervalSeconds: z.number().int().min(0).default(10),
  /**
   * A listing (LIST, UIDL and every message's header) that takes longer fails
   * with SERVER_TOO_SLOW, keeping the rows that arrived: a server that sends a
   * few octets a second never trips a per-command timeout.
   */
  listingTimeoutSeconds: z.number().int().min(1).default(300),
  /** Pending deletes are committed this long after the last delete (undo window). */
  deleteGraceSeconds: z.number().int().min(0).default(8),
  /** A sent message waits this long in the outbox before it goes (its Undo window). */
  sendDelaySeconds: z.number().int().min(0).default(10),
  /** Largest attachment upload, in octets (the SMTP server's SIZE still refuses a larger message). */
  maxAttachmentBytes: z.number().int().min(1).default(25 * 1024 * 1024),
  /** Attachments per draft, and uploads an account may hold at once. */
  maxAttachmentsPerDraft: z.number().int().min(1).default(20),
  maxUploadsPerAccount: z.number().int().min(1).default(50),
  /** Drafts an account may keep. */
  maxDraftsPerAccount: z.number().int().min(1).default(200),
  /** Messages an account may send per hour, and recipients (To, Cc, Bcc together) per message. */
  sendsPerHour: z.number().int().min(1).default(100),
  recipientsPerMessage: z.number().int().min(1).default(50),
  /** Sign-in attempts per client address, and per username, in `signInWindowSeconds` (stops password guessing). */
  signInAttemptsPerClient: z.number().int().min(1).default(30),
  signInAttemptsPerUser: z.number().int().min(1).default(10),
  signInWindowSeconds: z.number().int().min(1).default(300),
  servers: z.array(ServerEntry).default([]),
  webRoot: z.string().default('dist/web'),
});

export type SmtpConfig = Omit<z.infer<typeof SmtpEntry>, 'port'> & { port: number; ca?: string };
export type ServerConfig = Omit<z.infer<typeof ServerEntry>, 'smtp'> & { port: number; ca?: string; smtp?: SmtpConfig };
export interface Pop3Timeouts { connectTimeoutMs: number; greetingTimeoutMs: number; commandTimeoutMs: number }
export type Config = Omit<z.infer<typeof FileConfig>, 'servers'> & {
  servers: ServerConfig[];
  /** Shown on the sign-in page in demo mode. */
  demo: { username: string; password: string } | null;
  pop3Timeouts: Pop3Timeouts;
};

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}
