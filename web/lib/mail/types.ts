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
}
