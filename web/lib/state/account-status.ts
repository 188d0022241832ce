import type { AccountInfo } from '../../../shared/api/index.ts';
import { AppError } from '../api/errors.ts';
import { errorText, queuedText } from '../api/messages.ts';
import type { SyncProgress } from './mailbox.svelte.ts';

export interface AccountStatus {
  kind: 'ok' | 'busy' | 'warn' | 'error' | 'password';
  text: string;
}

/** What a sync in progress is doing, in words; '' once done. `server` names the mail server. */
export function progressText(progress: SyncProgress | null | undefined, server: string): string {
  if (!progress) return '';
  switch (progress.phase) {
    case 'queued':
      return queuedText(progress.queuePosition, progress.waitAtMostSeconds, server);
    case 'connecting':
      return `Connecting to ${server}…`;
    case 'listing':
      return 'Listing messages…';
    case 'summaries':
      return progress.total ? `Loading messages: ${progress.loaded.toLocaleString()} of ${progress.total.toLocaleString()}` : 'Loading messages…';
    case 'done':
      return '';
  }
}

/**
 * One account's state for its line in the account list. What the person must
 * act on comes first (a new password, an error), then a sync in progress,
 * then the server's notice (LOGIN-DELAY), else connected.
 */
export function accountStatus(
  info: AccountInfo,
  progress: SyncProgress | null | undefined,
  syncError: AppError | undefined,
  notice: string | undefined,
): AccountStatus {
  if (info.state === 'needsPassword') return { kind: 'password', text: 'Needs password: the server refused the saved one.' };
  if (info.state === 'signingIn') return { kind: 'busy', text: 'Signing in…' };
  if (info.state === 'error') {
    return { kind: 'error', text: info.error ? errorText(AppError.from(info.error)) : errorText({ code: 'CONNECT_FAILED' }) };
  }
  if (syncError) return { kind: 'error', text: errorText(syncError) };
  const busy = progressText(progress, `“${info.serverLabel}”`);
  if (busy) return { kind: 'busy', text: busy };
  if (notice) return { kind: 'warn', text: notice };
  return { kind: 'ok', text: progress?.phase === 'done' ? `Connected: ${progress.total.toLocaleString()} messages` : 'Connected' };
}
