import type { ApiError } from '../../shared/api/index.ts';

/** Outcomes remembered at once; the oldest goes first (a browser asks right after its read failed). */
const MAX_OUTCOMES = 256;
/** An outcome older than this is forgotten: the browser asks within moments of the failure. */
const OUTCOME_TTL_MS = 5 * 60_000;

/**
 * Why the last raw stream of a message ended early, per account and key.
 *
 * Once the bytes of a message are flowing the status line is sent, so a
 * POP3 failure mid-RETR can only cut the body short: the route destroys the
 * response, and fetch rejects while reading the body. That rejection looks
 * the same whether the mail server dropped the RETR or the browser lost the
 * bridge. A size header cannot settle it (a POP3 server's octet counts are
 * not exact, RFC 1939 section 11), and HTTP trailers are not readable by
 * fetch. So the bridge records the failure before it cuts the stream, and
 * the browser asks here (GET /api/accounts/:account/messages/:key/raw/outcome): an answer
 * naming an error blames the mail server; no answer at all means the bridge
 * itself cannot be reached.
 */
export class RawOutcomes {
  private readonly outcomes = new Map<string, { error: ApiError; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A new stream of this message starts: an older failure no longer applies. */
  started(account: string, key: string): void {
    this.outcomes.delete(id(account, key));
  }

  failed(account: string, key: string, error: ApiError): void {
    const k = id(account, key);
    this.outcomes.delete(k);
    this.outcomes.set(k, { error, at: this.now() });
    while (this.outcomes.size > MAX_OUTCOMES) this.outcomes.delete(this.outcomes.keys().next().value!);
  }

  /** The error that cut the last stream of this message short, or null. */
  get(account: string, key: string): ApiError | null {
    const found = this.outcomes.get(id(account, key));
    if (!found || this.now() - found.at > OUTCOME_TTL_MS) return null;
    return found.error;
  }
}

const id = (account: string, key: string): string => `${account}\0${key}`;
