import type { MailNotice } from './types.ts';

// What each structure notice tells the person reading the message.
const TEXT: Record<MailNotice, string> = {
  HEADER_NOT_ENDED: 'This message has no empty line after its header; the text after the header is shown as the body.',
  NO_PARTS: 'This message says it has several parts, but none could be found. What text there is is shown as sent.',
  NO_CONTENT: 'This message has no text to show. Use View source or Download to see what it contains.',
  NOT_CLOSED: 'This message ends before its last part was closed; it may be cut off.',
  UNKNOWN_TRANSFER_ENCODING: 'Part of this message uses an encoding Popbridge does not know; it is shown undecoded.',
};

export function noticeText(code: MailNotice): string {
  return TEXT[code];
}
