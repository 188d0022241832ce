import { createHash, createHmac } from 'node:crypto';
import { Pop3RemoteError, apopTimestamp } from '../../shared/pop3/index.ts';
import type { Capabilities, StatusReply } from '../../shared/pop3/index.ts';

export interface Credentials {
  username: string;
  password: string;
}

export type Mechanism = 'SASL PLAIN' | 'SASL LOGIN' | 'SASL CRAM-MD5' | 'APOP' | 'USER';

/** Mechanisms that send the password itself (protected only by TLS). */
const REVEALS_PASSWORD: ReadonlySet<Mechanism> = new Set(['SASL PLAIN', 'SASL LOGIN', 'USER']);

/**
 * The sign-in mechanisms to use, best first. Over TLS the password is
 * protected, and PLAIN, LOGIN and USER/PASS work with any password storage,
 * so they come first. Over a clear-text connection (only when the server is
 * configured `plain`) challenge-response mechanisms come first, so the
 * password itself never crosses the wire when the server offers them.
 */
export function mechanismsFor(capabilities: Capabilities, greeting: StatusReply, encrypted: boolean, cleartextAllowed: boolean): Mechanism[] {
  const offered: Mechanism[] = [];
  const sasl = new Set(capabilities.sasl);
  if (sasl.has('PLAIN')) offered.push('SASL PLAIN');
  if (sasl.has('LOGIN')) offered.push('SASL LOGIN');
  // USER/PASS is part of RFC 1939: tried when listed, when CAPA is unknown, or when
  // nothing else is offered; not when the server lists SASL without USER.
  if (capabilities.user || !capabilities.known || sasl.size === 0) offered.push('USER');
  if (sasl.has('CRAM-MD5')) offered.push('SASL CRAM-MD5');
  if (apopTimestamp(greeting) !== null) offered.push('APOP');

  if (encrypted) return offered;
  const challengeResponse = offered.filter((mechanism) => !REVEALS_PASSWORD.has(mechanism));
  if (!cleartextAllowed) return challengeResponse;
  return [...challengeResponse, ...offered.filter((mechanism) => REVEALS_PASSWORD.has(mechanism))];
}

export function chooseMechanism(capabilities: Capabilities, greeting: StatusReply, encrypted: boolean, cleartextAllowed: boolean): Mechanism {
  const [best] = mechanismsFor(capabilities, greeting, encrypted, cleartextAllowed);
  if (best === undefined) {
    throw new Pop3RemoteError('NO_SAFE_MECHANISM', 'The server offers no way to sign in without sending the password in clear text');
  }
  return best;
}

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

export function saslPlain({ username, password }: Credentials): string {
  return base64(`\0${username}\0${password}`);
}

export function apopDigest(timestamp: string, password: string): string {
  return createHash('md5').update(timestamp + password, 'utf8').digest('hex');
}

/** RFC 2195: the user name, a space, and the HMAC-MD5 of the challenge keyed by the password. */
export function cramMd5Response({ username, password }: Credentials, challengeBase64: string): string {
  const challenge = Buffer.from(challengeBase64, 'base64');
  const digest = createHmac('md5', Buffer.from(password, 'utf8')).update(challenge).digest('hex');
  return base64(`${username} ${digest}`);
}

/** SASL LOGIN: the server asks for the user name, then the password. */
export function saslLoginResponse({ username, password }: Credentials, step: number): string {
  return base64(step === 0 ? username : password);
}
