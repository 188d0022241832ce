import type { ApiError } from '../../shared/api/index.ts';
import { duplicateSignature, type ListingEntry } from './keys.ts';

/**
 * The rules that keep deletes exact, as pure functions of listings: a key is
 * turned into a message number only through the listing of the connection
 * that sends the DELE, and only when that message is certainly the one the
 * user saw. Anything less certain is refused, never guessed.
 */

/** What a delete must find again in a later listing to be sure it hits the same message. */
export interface DeleteTarget {
  size: number;
  /** For a repeated id: the sizes of every occurrence in order (see duplicateSignature). */
  signature: string | null;
  /** Identity from the unique-id (or fingerprint) alone: tells "gone" from "changed". */
  base: string;
}

export function deleteTarget(entries: ListingEntry[], e: ListingEntry): DeleteTarget {
  return { size: e.size, signature: duplicateSignature(entries, e), base: e.base };
}

export interface DeletePlan {
  /** DELE these numbers of this connection, in this order. */
  dele: Array<{ key: string; msg: number }>;
  /** No message with this id any more: already deleted, by us or another client. */
  gone: string[];
  /** Keys that cannot be matched with certainty: not deleted. */
  refused: Map<string, ApiError>;
}

/** Messages with the same id changed on the server. */
const ID_CHANGED: ApiError = { code: 'AMBIGUOUS_MESSAGE' };
/** The message cannot be told apart from another one with the same id any more. */
const NOT_TOLD_APART: ApiError = { code: 'AMBIGUOUS_MESSAGE' };

/**
 * Pending deletes against the listing of the connection about to send DELE.
 * A key is deleted only when its entry is there with the same size and, for
 * a repeated unique-id, the same set of duplicates (C0040, C0041).
 */
export function planDeletes(entries: ListingEntry[], pending: ReadonlyMap<string, DeleteTarget>): DeletePlan {
  const byKey = new Map(entries.map((e) => [e.key, e]));
  const bases = new Set(entries.map((e) => e.base));
  const plan: DeletePlan = { dele: [], gone: [], refused: new Map() };
  for (const [key, target] of pending) {
    const entry = byKey.get(key);
    if (!entry) {
      if (bases.has(target.base)) plan.refused.set(key, ID_CHANGED);
      else plan.gone.push(key);
      continue;
    }
    if (entry.size !== target.size || duplicateSignature(entries, entry) !== target.signature) {
      plan.refused.set(key, NOT_TOLD_APART);
      continue;
    }
    plan.dele.push({ key, msg: entry.msg });
  }
  return plan;
}

/**
 * Pending deletes still worth keeping after a new listing: one whose message
 * is gone is dropped; one whose unique-id is still there under another key
 * is kept for the commit to refuse, never guessed.
 */
export function pendingToDrop(entries: ListingEntry[], pending: ReadonlyMap<string, DeleteTarget>): string[] {
  const keys = new Set(entries.map((e) => e.key));
  const bases = new Set(entries.map((e) => e.base));
  return [...pending].filter(([key, t]) => !keys.has(key) && !bases.has(t.base)).map(([key]) => key);
}

/**
 * Deletes whose QUIT never got its +OK, settled by the next connection's
 * listing: a message still there with the same size was not deleted.
 */
export function settleUnconfirmed(
  entries: ListingEntry[],
  unsettled: ReadonlyMap<string, DeleteTarget>,
): { committed: string[]; stillThere: string[] } {
  const byKey = new Map(entries.map((e) => [e.key, e]));
  const committed: string[] = [];
  const stillThere: string[] = [];
  for (const [key, target] of unsettled) {
    if (byKey.get(key)?.size === target.size) stillThere.push(key);
    else committed.push(key);
  }
  return { committed, stillThere };
}
