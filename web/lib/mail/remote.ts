// A URL that makes the browser contact a third party: absolute http(s) or
// protocol-relative. Leading whitespace and control characters are ignored by
// URL parsers, so they are ignored here too.
const REMOTE = /^[\s\u0000-\u001f]*(?:https?:)?[\\/]{2}/i;

export function isRemoteUrl(url: string): boolean {
  return REMOTE.test(url);
}
