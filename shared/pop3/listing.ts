import { Pop3RemoteError } from './errors.ts';
import { decodeText } from './bytes.ts';

/**
 * Drop and scan listings. Servers separate fields with one or more spaces or
 * tabs and may add fields after the last one we need (C0004, C0017, C0021,
 * C0038): split on runs of blanks, read the fields we know, ignore the rest.
 */
const FIRST_TWO_FIELDS = /^[ \t]*([^ \t]+)(?:[ \t]+([^ \t]+))?/;

/** The first two fields of a listing line (one regex: listings run to tens of thousands of lines). */
function fields(text: string): [string | undefined, string | undefined] {
  const match = FIRST_TWO_FIELDS.exec(text);
  return match ? [match[1], match[2]] : [undefined, undefined];
}

function count(field: string | undefined, what: string, line: string): number {
  if (field === undefined || !/^\d{1,15}$/.test(field)) {
    throw new Pop3RemoteError('PROTOCOL', `The server sent a malformed ${what}: "${line.slice(0, 80)}"`);
  }
  return Number(field);
}

function messageNumber(field: string | undefined, what: string, line: string): number {
  const value = count(field, what, line);
  if (value < 1) throw new Pop3RemoteError('PROTOCOL', `The server sent message number 0 in a ${what}`);
  return value;
}

export interface DropListing {
  count: number;
  size: number;
}

/** STAT: "+OK nn mm ..." — `text` is the status text after the indicator. */
export function parseDropListing(text: string): DropListing {
  const [messages, size] = fields(text);
  return { count: count(messages, 'drop listing', text), size: count(size, 'drop listing', text) };
}

export interface ScanListing {
  msg: number;
  size: number;
}

/** LIST: "msg size ..." (a data line, or the status text of LIST n). */
export function parseScanListing(text: string): ScanListing {
  const [msg, size] = fields(text);
  return { msg: messageNumber(msg, 'scan listing', text), size: count(size, 'scan listing', text) };
}

export interface UniqueIdListing {
  msg: number;
  uid: string;
}

// RFC 1939 allows 1-70 octets in 0x21-0x7E; some servers send longer ids,
// which are kept as long as they stay within this bound.
const MAX_UNIQUE_ID_LENGTH = 255;

/** UIDL: "msg unique-id ..." (a data line, or the status text of UIDL n). */
export function parseUniqueIdListing(text: string): UniqueIdListing {
  const [msg, uid] = fields(text);
  const number = messageNumber(msg, 'unique-id listing', text);
  if (uid === undefined || uid.length > MAX_UNIQUE_ID_LENGTH || !/^[\x21-\x7e]+$/.test(uid)) {
    throw new Pop3RemoteError('PROTOCOL', `The server sent a malformed unique-id listing: "${text.slice(0, 80)}"`);
  }
  return { msg: number, uid };
}

/** Splits a multi-line body into lines (CRLF or bare LF), dropping the terminators. */
export function splitLines(body: Uint8Array): string[] {
  const lines = decodeText(body).split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

export function parseScanList(body: Uint8Array): ScanListing[] {
  return splitLines(body).filter((line) => line.trim() !== '').map(parseScanListing);
}

export function parseUniqueIdList(body: Uint8Array): UniqueIdListing[] {
  return splitLines(body).filter((line) => line.trim() !== '').map(parseUniqueIdListing);
}
