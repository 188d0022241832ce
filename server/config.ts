import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { ConfigError, FileConfig, FromTemplate, ProxyAddress, Security, type Config, type ServerConfig } from './config-schema.ts';

export { ConfigError, type Config, type Pop3Timeouts, type ServerConfig, type SmtpConfig } from './config-schema.ts';

/**
 * Configuration: an optional JSON file (POPBRIDGE_CONFIG) overlaid by
 * environment variables, validated once at start-up. Errors name the key.
 */

const DEFAULT_PORTS = { tls: 995, starttls: 110, plain: 110 } as const;
// RFC 8314 submissions (implicit TLS) and RFC 6409 submission.
const DEFAULT_SMTP_PORTS = { tls: 465, starttls: 587, plain: 587 } as const;

function intFromEnv(env: NodeJS.ProcessEnv, key: string): number | undefined {
  const raw = env[key];
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${key}: expected a whole number, got "${raw}"`);
  return Number(raw);
}

function boolFromEnv(env: NodeJS.ProcessEnv, key: string): boolean | undefined {
  const raw = env[key];
  if (raw === undefined || raw === '') return undefined;
  if (/^(1|true|yes)$/i.test(raw)) return true;
  if (/^(0|false|no)$/i.test(raw)) return false;
  throw new ConfigError(`${key}: expected true or false, got "${raw}"`);
}

/** TRUST_PROXY: true/false, a hop count, or a comma-separated list of addresses/CIDRs. */
function trustProxyFromEnv(env: NodeJS.ProcessEnv): boolean | number | string[] | undefined {
  const raw = env.TRUST_PROXY?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (/^\d+$/.test(raw)) return Number(raw);
  if (/^(1|true|yes|0|false|no)$/i.test(raw)) return boolFromEnv(env, 'TRUST_PROXY');
  const list = listFromEnv(env, 'TRUST_PROXY') ?? [];
  const bad = list.find((a) => !ProxyAddress.safeParse(a).success);
  if (bad !== undefined) throw new ConfigError(`TRUST_PROXY: expected true, false, a hop count or IP addresses/CIDR ranges, got "${bad}"`);
  return list;
}

function listFromEnv(env: NodeJS.ProcessEnv, key: string): string[] | undefined {
  const raw = env[key];
  if (raw === undefined || raw === '') return undefined;
  return raw.split(',').map((x) => x.trim()).filter(Boolean);
}

const SMTP_KEYS = ['SMTP_HOST', 'SMTP_PORT', 'SMTP_SECURITY', 'SMTP_CA_FILE', 'SMTP_FROM_TEMPLATE'] as const;

/** The single server's submission settings from SMTP_*; undefined when SMTP_HOST is unset. */
function smtpFromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> | undefined {
  if (!env.SMTP_HOST) {
    const stray = SMTP_KEYS.find((key) => env[key]);
    if (stray) throw new ConfigError(`SMTP_HOST: required when ${stray} is set`);
    return undefined;
  }
  const security = env.SMTP_SECURITY || 'tls';
  if (!Security.safeParse(security).success) {
    throw new ConfigError(`SMTP_SECURITY: expected tls, starttls or plain, got "${security}"`);
  }
  const smtp: Record<string, unknown> = { host: env.SMTP_HOST, security };
  const port = intFromEnv(env, 'SMTP_PORT');
  if (port !== undefined) smtp.port = port;
  if (env.SMTP_CA_FILE) smtp.caFile = env.SMTP_CA_FILE;
  if (env.SMTP_FROM_TEMPLATE) {
    if (!FromTemplate.safeParse(env.SMTP_FROM_TEMPLATE).success) {
      throw new ConfigError(`SMTP_FROM_TEMPLATE: use a template like "{user}@example.org", got "${env.SMTP_FROM_TEMPLATE}"`);
    }
    smtp.fromTemplate = env.SMTP_FROM_TEMPLATE;
  }
  return smtp;
}

function readCa(file: string | undefined, key: string): string | undefined {
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`${key}: cannot read ${file}: ${(e as Error).message}`);
  }
}

function formatIssues(error: z.ZodError, prefix: string): string {
  return error.issues
    .map((i) => `${prefix}${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  let raw: Record<string, unknown> = {};
  const file = env.POPBRIDGE_CONFIG;
  if (file) {
    try {
      raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new ConfigError(`POPBRIDGE_CONFIG: cannot read JSON from ${file}: ${(e as Error).message}`);
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new ConfigError(`POPBRIDGE_CONFIG: ${file} must hold a JSON object`);
    }
  }
  const overlay: Record<string, unknown> = { ...raw };
  const set = (key: string, value: unknown) => { if (value !== undefined) overlay[key] = value; };
  set('host', env.HOST || undefined);
  set('port', intFromEnv(env, 'PORT'));
  set('dataDir', env.DATA_DIR || undefined);
  set('publicOrigin', env.PUBLIC_ORIGIN || undefined);
  set('trustProxy', trustProxyFromEnv(env));
  set('allowedHosts', listFromEnv(env, 'ALLOWED_HOSTS'));
  set('sessionLifetimeSeconds', intFromEnv(env, 'SESSION_LIFETIME_SECONDS'));
  const ints: Array<[string, string]> = [
    ['sessionIdleSeconds', 'SESSION_IDLE_SECONDS'], ['maxWebSessions', 'MAX_WEB_SESSIONS'],
    ['sessionsPerAccount', 'SESSIONS_PER_ACCOUNT'], ['sessionsPerClient', 'SESSIONS_PER_CLIENT'], ['maxAccountsPerPerson', 'MAX_ACCOUNTS_PER_PERSON'],
    ['socketsPerSession', 'WS_SOCKETS_PER_SESSION'], ['socketsPerAccount', 'WS_SOCKETS_PER_ACCOUNT'],
    ['socketMaxBufferedBytes', 'WS_MAX_BUFFERED_BYTES'], ['requestTimeoutSeconds', 'REQUEST_TIMEOUT_SECONDS'],
    ['headersTimeoutSeconds', 'HEADERS_TIMEOUT_SECONDS'], ['connectionIdleSeconds', 'CONNECTION_IDLE_SECONDS'],
    ['signInAttemptsPerClient', 'SIGN_IN_ATTEMPTS_PER_CLIENT'], ['signInAttemptsPerUser', 'SIGN_IN_ATTEMPTS_PER_USER'],
    ['signInWindowSeconds', 'SIGN_IN_WINDOW_SECONDS'],
  ];
  for (const [k, e] of ints) set(k, intFromEnv(env, e));
  set('idleCloseSeconds', intFromEnv(env, 'IDLE_CLOSE_SECONDS'));
  set('refreshIntervalSeconds', intFromEnv(env, 'REFRESH_INTERVAL_SECONDS'));
  set('minRefreshIntervalSeconds', intFromEnv(env, 'MIN_REFRESH_INTERVAL_SECONDS'));
  set('deleteGraceSeconds', intFromEnv(env, 'DELETE_GRACE_SECONDS'));
  set('sendDelaySeconds', intFromEnv(env, 'SEND_DELAY_SECONDS'));
  set('maxAttachmentBytes', intFromEnv(env, 'MAX_ATTACHMENT_BYTES'));
  set('sendsPerHour', intFromEnv(env, 'SENDS_PER_HOUR'));
  set('recipientsPerMessage', intFromEnv(env, 'RECIPIENTS_PER_MESSAGE'));
  set('listingTimeoutSeconds', intFromEnv(env, 'LISTING_TIMEOUT_SECONDS'));
  if (env.POP3_HOST) {
    const security = env.POP3_SECURITY || 'tls';
    if (!Security.safeParse(security).success) {
      throw new ConfigError(`POP3_SECURITY: expected tls, starttls or plain, got "${security}"`);
    }
    const server: Record<string, unknown> = {
      id: 'default', label: env.POP3_LABEL || env.POP3_HOST, host: env.POP3_HOST, security,
    };
    const port = intFromEnv(env, 'POP3_PORT');
    if (port !== undefined) server.port = port;
    if (env.POP3_CA_FILE) server.caFile = env.POP3_CA_FILE;
    const max = intFromEnv(env, 'POP3_MAX_CONNECTIONS');
    if (max !== undefined) server.maxConnections = max;
    const smtp = smtpFromEnv(env);
    if (smtp) server.smtp = smtp;
    overlay.servers = [server];
  } else if (env.POP3_PORT || env.POP3_SECURITY || env.POP3_CA_FILE) {
    throw new ConfigError('POP3_HOST: required when POP3_PORT, POP3_SECURITY or POP3_CA_FILE is set');
  } else if (SMTP_KEYS.some((key) => env[key])) {
    throw new ConfigError('POP3_HOST: required when SMTP_* is set (in POPBRIDGE_CONFIG use servers[].smtp)');
  }

  const parsed = FileConfig.safeParse(overlay);
  if (!parsed.success) throw new ConfigError(formatIssues(parsed.error, ''));
  const ids = new Set<string>();
  const servers = parsed.data.servers.map((s, i): ServerConfig => {
    if (ids.has(s.id)) throw new ConfigError(`servers.${i}.id: duplicate id "${s.id}"`);
    ids.add(s.id);
    const ca = readCa(s.caFile, env.POP3_HOST ? 'POP3_CA_FILE' : `servers.${i}.caFile`);
    const { smtp, ...pop3 } = s;
    const resolved: ServerConfig = { ...pop3, port: s.port ?? DEFAULT_PORTS[s.security], ...(ca ? { ca } : {}) };
    if (smtp) {
      const smtpCa = readCa(smtp.caFile, env.POP3_HOST ? 'SMTP_CA_FILE' : `servers.${i}.smtp.caFile`);
      resolved.smtp = { ...smtp, port: smtp.port ?? DEFAULT_SMTP_PORTS[smtp.security], ...(smtpCa ? { ca: smtpCa } : {}) };
    }
    return resolved;
  });
  return {
    ...parsed.data,
    servers,
    demo: null,
    pop3Timeouts: { connectTimeoutMs: 10_000, greetingTimeoutMs: 10_000, commandTimeoutMs: 30_000 },
  };
}
