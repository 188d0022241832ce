/** What a submission server announced in its EHLO reply (RFC 5321 4.1.1.1). */
export interface EhloInfo {
  /** Extension keywords, upper case: STARTTLS, PIPELINING, 8BITMIME... */
  extensions: string[];
  /** SASL mechanisms after AUTH, upper case. */
  authMechanisms: string[];
  /** SIZE limit in octets (RFC 1870); null when not announced or 0 (no fixed limit). */
  sizeLimit: number | null;
}

/** Parses a (multi-line, "\n"-joined) EHLO reply; the first line is the greeting, not an extension. */
export function parseEhlo(reply: string): EhloInfo {
  const lines = reply.split(/\r?\n/).slice(1).map((line) => line.replace(/^\d{3}[ -]/, '').trim());
  const extensions: string[] = [];
  let authMechanisms: string[] = [];
  let sizeLimit: number | null = null;
  for (const line of lines) {
    const [keyword = '', ...params] = line.split(/[\s=]+/);
    if (!keyword) continue;
    const name = keyword.toUpperCase();
    extensions.push(name);
    if (name === 'AUTH') authMechanisms = params.map((p) => p.toUpperCase());
    if (name === 'SIZE' && params[0] && /^\d+$/.test(params[0]) && Number(params[0]) > 0) sizeLimit = Number(params[0]);
  }
  return { extensions, authMechanisms, sizeLimit };
}
