import type { MailboxEvent } from './events.ts';

export type Listener = (event: MailboxEvent) => void;

interface RefreshJob { requesters: Set<Listener>; done: Promise<void> }

/**
 * Folds floods of sync requests into the work they actually need, so a
 * script or a stuck tab can neither log in again and again at the provider
 * nor queue thousands of full listing replays.
 *   - A refresh asked for while one is queued or running joins it.
 *   - A replay asked for while the same tab's replay is still queued is
 *     that replay: the tab gets the listing once.
 */
export class SyncRequests {
  private refreshJob: RefreshJob | null = null;
  private readonly queuedReplays = new Map<Listener | null, Promise<void>>();

  constructor(private readonly run: (action: () => Promise<void>) => Promise<void>) {}

  /**
   * `action` may call `takeRequesters` to answer the tabs that asked itself
   * (a refused refresh replays the view to them); from then on the job takes
   * no one else, so no later requester goes unanswered.
   */
  refresh(requester: Listener | null, action: (takeRequesters: () => Listener[]) => Promise<void>): Promise<void> {
    const joined = this.refreshJob;
    if (joined) {
      if (requester) joined.requesters.add(requester);
      return joined.done;
    }
    const job: RefreshJob = { requesters: new Set(requester ? [requester] : []), done: Promise.resolve() };
    this.refreshJob = job;
    const takeRequesters = (): Listener[] => {
      if (this.refreshJob === job) this.refreshJob = null;
      return [...job.requesters];
    };
    const done = this.run(() => action(takeRequesters));
    job.done = done.finally(() => { if (this.refreshJob === job) this.refreshJob = null; });
    return job.done;
  }

  replay(requester: Listener | null, action: () => Promise<void>): Promise<void> {
    const queued = this.queuedReplays.get(requester);
    if (queued) return queued;
    const done = this.run(() => {
      this.queuedReplays.delete(requester); // running now: a later request needs a later replay
      return action();
    });
    this.queuedReplays.set(requester, done);
    const forget = (): void => { if (this.queuedReplays.get(requester) === done) this.queuedReplays.delete(requester); };
    done.then(forget, forget);
    return done;
  }
}
