// What the message view needs from a parsed mail, with attachment bytes as
// ArrayBuffers so the worker can transfer them instead of copying.
export interface MailAddress {
  name: string;
  address: string;
}

export interface MailPart {
  filename: string | null;
  mimeType: string;
  disposition: string | null;
  contentId: string | null;
  related: boolean;
  content: ArrayBuffer;
}

export interface ParsedMail {
  from: MailAddress[];
  to: MailAddress[];
  cc: MailAddress[];
  subject: string;
  date: string | null;
  html: string | null;
  text: string | null;
  parts: MailPart[];
  notices: MailNotice[];
}

/** Something the view shows could not be read as sent; web/lib/mail/notices.ts says it in words. */
export type MailNotice = 'HEADER_NOT_ENDED' | 'NO_PARTS' | 'NO_CONTENT' | 'NOT_CLOSED' | 'UNKNOWN_TRANSFER_ENCODING';
