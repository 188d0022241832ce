/**
 * Broken structures a sender's mailer produces, found so the view can show
 * what is there and say what is not: a header that never ends with an empty
 * line, multiparts without parts or without their closing boundary,
 * transfer encodings nobody knows.
 */
import { MAX_HEADER_BYTES } from '../../../shared/mail/header-fields.ts';
import type { MimeNodeView } from './postal-text.ts';
import type { MailNotice } from './types.ts';

const LF = 10;
const KNOWN_ENCODINGS = new Set(['', '7bit', '8bit', 'binary', 'base64', 'quoted-printable']);
// RFC 5322 section 2.2: a field name is printable ASCII except the colon.
const FIELD_START = /^[!-9;-~]+[ \t]*:/;

function line(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, Math.min(end, start + 200)));
}

/**
 * Where the header block ends without an empty line, the first line that is
 * neither a field nor a folded continuation starts the body: the empty line
 * is put in, so the body is not read as more header.
 */
export function repairHeaderEnd(bytes: Uint8Array): Uint8Array | null {
  const limit = Math.min(bytes.length, MAX_HEADER_BYTES);
  for (let start = 0, fields = 0; start < limit; fields++) {
    const lf = bytes.indexOf(LF, start);
    const end = lf < 0 ? bytes.length : lf + 1;
    const text = line(bytes, start, end).replace(/\r?\n$/, '');
    if (text === '') return null;
    const folded = fields > 0 && (text[0] === ' ' || text[0] === '\t');
    if (!folded && !FIELD_START.test(text)) {
      if (fields === 0) return null; // no header at all; nothing to separate
      const crlf = start >= 2 && bytes[start - 2] === 13;
      const out = new Uint8Array(bytes.length + (crlf ? 2 : 1));
      out.set(bytes.subarray(0, start));
      out.set(crlf ? [13, 10] : [10], start);
      out.set(bytes.subarray(start), start + (crlf ? 2 : 1));
      return out;
    }
    start = end;
  }
  return null;
}

function containsAscii(bytes: Uint8Array, text: string): boolean {
  const first = text.charCodeAt(0);
  for (let at = bytes.indexOf(first); at >= 0; at = bytes.indexOf(first, at + 1)) {
    let i = 1;
    while (i < text.length && bytes[at + i] === text.charCodeAt(i)) i++;
    if (i === text.length) return true;
  }
  return false;
}

/** Notices about the MIME tree postal-mime built from the bytes. */
export function treeNotices(root: MimeNodeView, bytes: Uint8Array): MailNotice[] {
  const notices = new Set<MailNotice>();
  if (root.contentType.multipart && root.childNodes.length === 0) notices.add('NO_PARTS');
  const visit = (node: MimeNodeView, depth: number) => {
    if (!KNOWN_ENCODINGS.has(node.contentTransferEncoding.encoding)) notices.add('UNKNOWN_TRANSFER_ENCODING');
    const boundary = node.contentType.parsed.params.boundary;
    if (node.contentType.multipart && node.childNodes.length && boundary && !containsAscii(bytes, `--${boundary}--`)) {
      notices.add('NOT_CLOSED');
    }
    if (depth < 50) for (const child of node.childNodes) visit(child, depth + 1);
  };
  visit(root, 0);
  return [...notices];
}
