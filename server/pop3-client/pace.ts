import { Pop3TransportError } from './errors.ts';

// A reply must average at least this many octets a second once its first
// interval is over, so a server that dribbles a byte now and then still times out.
const MIN_REPLY_RATE = 16 * 1024;
// A paused stream whose reader takes no data for this many command timeouts is abandoned.
const STALLED_READER_FACTOR = 4;

/**
 * The clock of the replies awaited on one connection: how long the server
 * has been silent, how fast the current reply arrives, and how long our own
 * reader has kept the socket paused. A watchdog asks it, now and then,
 * whether the connection is overdue.
 */
export class ReplyPace {
  private lastActivity = Date.now();
  private replyStarted = Date.now();
  private replyBytes = 0;
  private watchdog: NodeJS.Timeout | undefined;
  private pausedSince: number | undefined;

  constructor(readonly commandTimeoutMs: number) {}

  get paused(): boolean {
    return this.pausedSince !== undefined;
  }

  /** Runs `check` every quarter of the command timeout (within 20 ms to 1 s) until stopped. */
  startWatchdog(check: () => void): void {
    if (this.watchdog) return;
    const interval = Math.max(20, Math.min(1000, Math.floor(this.commandTimeoutMs / 4)));
    this.watchdog = setInterval(check, interval);
    this.watchdog.unref();
  }

  stopWatchdog(): void {
    if (this.watchdog) clearInterval(this.watchdog);
  }

  received(octets: number): void {
    this.lastActivity = Date.now();
    this.replyBytes += octets;
  }

  /** A reply ended (or a SASL step began): the next one is timed afresh. */
  restartReply(): void {
    this.replyStarted = Date.now();
    this.replyBytes = 0;
  }

  /** Commands went out; with replies awaited and none arriving yet, the reply clock starts now. */
  sent(awaitingReply: boolean): void {
    if (awaitingReply && this.replyBytes === 0) this.replyStarted = Date.now();
    this.lastActivity = Date.now();
  }

  pause(): void {
    this.pausedSince = Date.now();
  }

  resume(): void {
    const now = Date.now();
    // Time spent waiting for our reader is not the server's slowness.
    this.replyStarted += now - (this.pausedSince ?? now);
    this.lastActivity = now;
    this.pausedSince = undefined;
  }

  /** The timeout the connection has run into, if any. */
  overdue(): Pop3TransportError | undefined {
    const now = Date.now();
    if (this.pausedSince !== undefined) {
      // A reader that stopped reading must not hold the connection (and the commands behind it) forever.
      if (now - this.pausedSince > this.commandTimeoutMs * STALLED_READER_FACTOR) {
        return new Pop3TransportError('TIMEOUT', 'The message download stalled: nothing was read for too long');
      }
      return undefined;
    }
    if (now - this.lastActivity > this.commandTimeoutMs) {
      return new Pop3TransportError('TIMEOUT', `The server did not answer within ${this.commandTimeoutMs} ms`);
    }
    const allowed = this.commandTimeoutMs + (this.replyBytes / MIN_REPLY_RATE) * 1000;
    if (now - this.replyStarted > allowed) {
      return new Pop3TransportError('TIMEOUT', `The server's reply is too slow (under ${MIN_REPLY_RATE} octets a second)`);
    }
    return undefined;
  }
}
