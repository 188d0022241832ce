import { PLUS, decodeText, stripLineEnd } from './bytes.ts';

/** A status line: "+OK ..." or "-ERR ...", with its RFC 2449 response code. */
export interface StatusReply {
  /** V0001: any line beginning with "+" is positive, anything else negative. */
  ok: boolean;
  /** The response code in brackets, upper-cased, e.g. "IN-USE", "SYS/TEMP". */
  code: string | null;
  /** The text after the status indicator and the response code. */
  text: string;
  /** The text after the status indicator, response code included. */
  fullText: string;
}

// "[CODE]" or "[CODE/SUB/...]" at the start of the text (RFC 2449 section 8).
const RESPONSE_CODE = /^\[([A-Za-z0-9-]+(?:\/[A-Za-z0-9-]+)*)\][ \t]*/;

/**
 * Reads a status line. The indicator ends at the first space or tab, so
 * "+OK", "+ok" and a bare "+" are all positive (V0001). Response codes are
 * read whether or not the server advertised RESP-CODES: some servers send
 * them anyway, and [IN-USE] must never be mistaken for a wrong password.
 */
export function parseStatusLine(line: Uint8Array): StatusReply {
  const text = decodeText(stripLineEnd(line));
  const ok = line.length > 0 && line[0] === PLUS;
  const afterIndicator = text.replace(/^[^ \t]*[ \t]*/, '');
  const match = RESPONSE_CODE.exec(afterIndicator);
  return {
    ok,
    code: match ? match[1]!.toUpperCase() : null,
    text: match ? afterIndicator.slice(match[0].length) : afterIndicator,
    fullText: afterIndicator,
  };
}

/**
 * The APOP timestamp of a greeting ("<1896.697170952@dbc.mtview.ca.us>"), if
 * any. RFC 1939 puts it at the end, so the last one wins over, say, a
 * postmaster address earlier in the text.
 */
export function apopTimestamp(greeting: StatusReply): string | null {
  const matches = greeting.fullText.match(/<[\x21-\x3b\x3d\x3f-\x7e]+@[\x21-\x3b\x3d\x3f-\x7e]+>/g);
  return matches?.at(-1) ?? null;
}
