// Address fields as the person types them: comma-separated, names optional.
// Splitting keeps commas inside quoted names and angle brackets intact.

export interface Address {
  name: string;
  address: string;
}

const NEEDS_QUOTES = /[()<>[\]:;@\\,."]/;

/** One address as it goes into a To/Cc/Bcc field: `"Name, Jr." <a@b>`, or the bare address. */
export function formatAddress({ name, address }: Address): string {
  const n = name.trim();
  if (!n || n.toLowerCase() === address.toLowerCase()) return address;
  const shown = NEEDS_QUOTES.test(n) ? `"${n.replace(/[\\"]/g, (c) => `\\${c}`)}"` : n;
  return `${shown} <${address}>`;
}

export function formatList(list: Address[]): string {
  return list.map(formatAddress).join(', ');
}

/** The entries of a field, split at commas outside quotes and angle brackets, trimmed, empty ones dropped. */
export function splitField(value: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  let angle = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (quoted && c === '\\' && i + 1 < value.length) {
      current += c + value[++i];
      continue;
    }
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '<') angle = true;
    else if (!quoted && c === '>') angle = false;
    if (c === ',' && !quoted && !angle) {
      out.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  out.push(current);
  return out.map((s) => s.trim()).filter(Boolean);
}

/** The bare address of one entry: what is inside <...>, else the entry itself; lower-cased for comparing. */
export function bareAddress(entry: string): string {
  const m = /<([^<>]*)>\s*$/.exec(entry);
  return (m ? m[1]! : entry).trim().toLowerCase();
}
