import { ClientMessage, MAX_CLIENT_FRAME_BYTES, type ServerMessage, type ServerEvent } from '../../shared/api/index.ts';
import { BridgeError, toApiError } from '../errors.ts';
import type { MailboxSession } from '../mailbox/session.ts';

/**
 * One inbound frame to one reply. Never throws: broken input gets an error
 * reply and the socket and session carry on.
 */
export async function dispatch(
  raw: Buffer | string,
  mailbox: MailboxSession,
  toTab: (event: ServerEvent) => void,
): Promise<ServerMessage> {
  const size = typeof raw === 'string' ? Buffer.byteLength(raw) : raw.length;
  if (size > MAX_CLIENT_FRAME_BYTES) {
    return { type: 'reply', id: null, error: { code: 'FRAME_TOO_LARGE', message: `Frames are limited to ${MAX_CLIENT_FRAME_BYTES} bytes.` } };
  }
  let json: unknown;
  try {
    json = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch {
    return { type: 'reply', id: null, error: { code: 'BAD_REQUEST', message: 'The frame is not JSON.' } };
  }
  const parsed = ClientMessage.safeParse(json);
  if (!parsed.success) {
    const maybeId = (json as { id?: unknown } | null)?.id;
    const id = typeof maybeId === 'string' && maybeId.length > 0 && maybeId.length <= 64 ? maybeId : null;
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    return { type: 'reply', id, error: { code: 'BAD_REQUEST', message: `Invalid request${where}: ${issue?.message ?? 'schema mismatch'}` } };
  }
  const req = parsed.data;
  try {
    switch (req.type) {
      case 'ping':
        return { type: 'reply', id: req.id, result: { now: Date.now() } };
      case 'sync':
        await mailbox.sync(toTab, req.refresh === true);
        return { type: 'reply', id: req.id, result: { started: true } };
      case 'markSeen':
        return { type: 'reply', id: req.id, result: { keys: mailbox.markSeen(req.keys, req.seen) } };
      case 'delete':
        return { type: 'reply', id: req.id, result: { pending: mailbox.markDelete(req.keys), commitInMs: mailbox.deleteGraceMs } };
      case 'undoDelete':
        return { type: 'reply', id: req.id, result: { restored: mailbox.undoDelete(req.keys) } };
      case 'commitDeletes':
        return { type: 'reply', id: req.id, result: await mailbox.commitDeletes() };
      default: {
        const never: never = req;
        throw new BridgeError('BAD_REQUEST', `Unknown request ${(never as { type: string }).type}`);
      }
    }
  } catch (e) {
    return { type: 'reply', id: req.id, error: toApiError(e) };
  }
}
