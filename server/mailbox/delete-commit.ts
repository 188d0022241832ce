import type { ApiError } from '../../shared/api/index.ts';
import { toApiError } from '../errors.ts';
import type { DeletePlan } from './delete-plan.ts';
import type { MailboxClient } from './mailbox-client.ts';

export interface CommitOutcome {
  /** QUIT's +OK came (or the message was gone already): deleted. */
  committed: string[];
  /** Not deleted: refused by the plan or by the server's -ERR to DELE. */
  failures: Map<string, ApiError>;
  /** The connection dropped before QUIT's +OK: the next listing says. */
  unconfirmed: string[];
}

/**
 * DELE the plan's numbers, then QUIT: only QUIT's +OK commits (RFC 1939
 * section 6). The connection ends here either way, so its numbers are never
 * used again.
 */
export async function commitPlan(client: MailboxClient, plan: DeletePlan): Promise<CommitOutcome> {
  const outcome: CommitOutcome = { committed: [...plan.gone], failures: new Map(plan.refused), unconfirmed: [] };
  const sent: string[] = [];
  for (const { key, msg } of plan.dele) {
    try {
      await client.dele(msg);
      sent.push(key);
    } catch (err) {
      const error = toApiError(err);
      if (error.code === 'COMMAND_FAILED') { outcome.failures.set(key, error); continue; }
      // The DELE may or may not have reached the server: everything not refused is unconfirmed.
      client.destroy();
      outcome.unconfirmed = plan.dele.map((d) => d.key).filter((k) => !outcome.failures.has(k));
      return outcome;
    }
  }
  try {
    await client.quit();
    outcome.committed.push(...sent);
  } catch {
    client.destroy();
    outcome.unconfirmed = sent;
  }
  return outcome;
}

/** Failures as the tabs get them: one `deletionFailed` per error code. */
export function failureGroups(failures: ReadonlyMap<string, ApiError>): Array<{ keys: string[]; error: ApiError }> {
  const byCode = new Map<string, { keys: string[]; error: ApiError }>();
  for (const [key, error] of failures) {
    const group = byCode.get(error.code) ?? { keys: [], error };
    group.keys.push(key);
    byCode.set(error.code, group);
  }
  return [...byCode.values()];
}
