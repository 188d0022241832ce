/**
 * postal-mime decodes a text part with its label as written: no label means
 * UTF-8 and an unknown one windows-1252, and an HTML part's <meta charset>
 * is never read, so legacy mail turns into U+FFFD. Its text nodes are
 * decoded here instead (body-charset.ts), for every parser it starts,
 * nested message/rfc822 ones included, and flowed text (RFC 3676) is
 * reflowed by flowed.ts.
 */
import PostalMime from 'postal-mime';
import { decodeWords } from '../../../shared/mail/encoded-words.ts';
import { decodeBody, metaCharset } from './body-charset.ts';
import { unflow } from './flowed.ts';

/** The part of postal-mime's MIME node this code reads. */
export interface MimeNodeView {
  contentDisposition: { parsed: { value: string; params: Record<string, string> } };
  contentType: { value: string; parsed: { value: string; params: Record<string, string> }; multipart: string | false };
  contentTransferEncoding: { value: string; encoding: string };
  childNodes: MimeNodeView[];
  content: ArrayBuffer | null;
  getTextContent(): string;
}

function textContent(this: MimeNodeView): string {
  if (!this.content) return '';
  const bytes = new Uint8Array(this.content);
  const { value, params } = this.contentType.parsed;
  const label = params.charset || (value === 'text/html' ? metaCharset(bytes) : null);
  const text = decodeBody(bytes, label);
  return /^flowed$/i.test(params.format ?? '') ? unflow(text, /^yes$/i.test(params.delsp ?? '')) : text;
}

// These hooks replace postal-mime internals (package.json pins its exact
// version for that reason); a release that renames them fails here, loudly,
// instead of silently bringing U+FFFD back.
const probe = new PostalMime() as unknown as { root: MimeNodeView };
const nodeProto = Object.getPrototypeOf(probe.root) as Partial<MimeNodeView>;
for (const [where, name] of [[nodeProto, 'getTextContent'], [PostalMime.prototype, 'isInlineTextNode'], [PostalMime.prototype, 'collectAttachment']] as const) {
  if (typeof (where as Record<string, unknown>)[name] !== 'function') throw new Error(`postal-mime has no ${name}: its text decoding hooks need updating`);
}
nodeProto.getTextContent = textContent;

/** Parses with the text decoding above; returns the root node too, for structure notices. */
export async function parseWithTree(raw: ArrayBuffer) {
  const parser = new PostalMime({ attachmentEncoding: 'arraybuffer' });
  const email = await parser.parse(raw);
  return { email, root: (parser as unknown as { root: MimeNodeView }).root };
}

// "Content-Type: text" (no subtype) is text/plain to every mail client (RFC 2045 section 5.2 asks
// for a default on a syntax error); postal-mime would make it an unnamed attachment.
const parserProto = PostalMime.prototype as unknown as { isInlineTextNode(node: MimeNodeView): boolean };
const isInlineText = parserProto.isInlineTextNode;
parserProto.isInlineTextNode = function (this: unknown, node: MimeNodeView) {
  if (node.contentType.parsed.value === 'text') node.contentType.parsed.value = 'text/plain';
  return isInlineText.call(this, node);
};

// File names written as encoded words are decoded with the shared rules too
// (postal-mime's decoder loses a character split across a padded B word, and knows no UTF-7).
const attachmentProto = PostalMime.prototype as unknown as {
  attachments: Array<{ filename: string | null }>;
  collectAttachment(node: MimeNodeView, ...rest: unknown[]): void;
};
const collectAttachment = attachmentProto.collectAttachment;
attachmentProto.collectAttachment = function (this: typeof attachmentProto, node: MimeNodeView, ...rest: unknown[]) {
  collectAttachment.call(this, node, ...rest);
  const raw = node.contentDisposition.parsed.params.filename || node.contentType.parsed.params.name;
  const added = this.attachments[this.attachments.length - 1];
  if (added && raw?.includes('=?')) added.filename = decodeWords(raw);
};
