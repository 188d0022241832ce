// RFC 1939 §3: a session moves AUTHORIZATION -> TRANSACTION (after login) ->
// UPDATE (after QUIT). Which verbs each state accepts is this one table; the
// session refuses anything else before a handler runs.

export const VERBS = [
  'USER', 'PASS', 'APOP', 'AUTH', 'STAT', 'LIST', 'RETR', 'DELE',
  'NOOP', 'RSET', 'QUIT', 'TOP', 'UIDL', 'CAPA', 'STLS',
] as const;

export type Verb = (typeof VERBS)[number];
export type State = 'AUTHORIZATION' | 'TRANSACTION' | 'UPDATE';

export const ALLOWED: Readonly<Record<State, ReadonlySet<Verb>>> = {
  // RFC 2449 §5 allows CAPA in both states; RFC 2595 §4 STLS only before login.
  AUTHORIZATION: new Set<Verb>(['USER', 'PASS', 'APOP', 'AUTH', 'CAPA', 'STLS', 'QUIT']),
  TRANSACTION: new Set<Verb>(['STAT', 'LIST', 'RETR', 'DELE', 'NOOP', 'RSET', 'QUIT', 'TOP', 'UIDL', 'CAPA']),
  UPDATE: new Set<Verb>(),
};

const verbSet: ReadonlySet<string> = new Set(VERBS);

export function isVerb(word: string): word is Verb {
  return verbSet.has(word);
}
