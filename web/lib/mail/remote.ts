// A URL that makes the browser contact a server: an http(s) scheme, with or
// without slashes ("https:host/x" resolves to https://host/x), or
// protocol-relative. Leading whitespace and control characters are ignored by
// URL parsers, so they are ignored here too.
const REMOTE = /^[\s\u0000-\u001f]*(?:(?:https?|ftp|wss?):|[\\/]{2})/i;

export function isRemoteUrl(url: string): boolean {
  return REMOTE.test(url);
}
