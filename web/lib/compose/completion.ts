import { bareAddress, formatAddress, splitField, type Address } from './address.ts';

// Completion for To/Cc/Bcc from the addresses seen in the mailbox. The browser's
// <datalist> completes the whole field, so each suggestion is the field as it
// would read with its last entry completed.

/** Addresses seen in list rows, most frequent first, one per address (case-insensitive). */
export class AddressBook {
  #seen = new Map<string, { entry: Address; count: number }>();

  learn(addresses: Iterable<Address | null | undefined>): void {
    for (const a of addresses) {
      if (!a?.address || !a.address.includes('@')) continue;
      const key = a.address.toLowerCase();
      const known = this.#seen.get(key);
      if (known) {
        known.count++;
        if (!known.entry.name && a.name) known.entry = { name: a.name, address: known.entry.address };
      } else {
        this.#seen.set(key, { entry: { name: a.name, address: a.address }, count: 1 });
      }
    }
  }

  get size(): number {
    return this.#seen.size;
  }

  /** Every known address, most frequent first. */
  entries(): Address[] {
    return [...this.#seen.values()].sort((a, b) => b.count - a.count).map((s) => s.entry);
  }
}

/**
 * Suggestions for a field's current value: entries whose address or name
 * starts with what follows the last comma (any word of the name counts),
 * leaving out addresses already in the field.
 */
export function completions(value: string, known: Address[], limit = 8): string[] {
  const endsWithComma = /,\s*$/.test(value);
  const entries = splitField(value);
  const typed = endsWithComma ? '' : (entries.pop() ?? '').toLowerCase();
  if (!typed) return [];
  const present = new Set(entries.map(bareAddress));
  const prefix = entries.length ? `${entries.join(', ')}, ` : '';
  const out: string[] = [];
  for (const a of known) {
    if (out.length >= limit) break;
    const address = a.address.toLowerCase();
    if (present.has(address)) continue;
    const words = a.name.toLowerCase().split(/\s+/);
    const hit = address.startsWith(typed) || a.name.toLowerCase().startsWith(typed) || words.some((w) => w.startsWith(typed));
    if (hit) out.push(prefix + formatAddress(a));
  }
  return out;
}
