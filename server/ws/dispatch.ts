import { ClientMessage, MAX_CLIENT_FRAME_BYTES, RequestId, type ServerMessage, type ServerEvent } from '../../shared/api/index.ts';
import { BridgeError, toApiError } from '../errors.ts';
import type { MailboxEvent } from '../mailbox/events.ts';
import type { MailboxSession } from '../mailbox/session.ts';

/** The mailbox a request names (its `account` tag, absent = the primary), with the tag its events carry. */
export type MailboxFor = (tag: string | undefined) => { tag: string; mailbox: MailboxSession };

/**
 * One inbound frame to one reply. Never throws: broken input gets an error
 * reply and the socket and session carry on.
 */
export async function dispatch(
  raw: Buffer | string,
  mailboxFor: MailboxFor,
  toTab: (event: ServerEvent) => void,
): Promise<ServerMessage> {
  let id: string | null = null;
  try {
    const req = parse(raw);
    id = req.id;
    if (req.type === 'ping') return { type: 'reply', id, result: { now: Date.now() } };
    // Keys are per account: every key of the request applies to exactly this account's mailbox.
    const { tag, mailbox } = mailboxFor(req.account);
    const tagged = (e: MailboxEvent): void => toTab({ ...e, account: tag } as ServerEvent);
    return { type: 'reply', id, result: await answer(req, mailbox, tagged) };
  } catch (e) {
    // A broken frame may still carry an id the tab can match the error to.
    return { type: 'reply', id: id ?? (e instanceof InvalidFrame ? e.id : null), error: toApiError(e) };
  }
}

/** A frame that does not match the schema, with the id it carried if that one is sound. */
class InvalidFrame extends BridgeError {
  constructor(readonly id: string | null) {
    super('BAD_REQUEST');
  }
}

function parse(raw: Buffer | string): ClientMessage {
  const size = typeof raw === 'string' ? Buffer.byteLength(raw) : raw.length;
  if (size > MAX_CLIENT_FRAME_BYTES) throw new BridgeError('FRAME_TOO_LARGE', { limit: MAX_CLIENT_FRAME_BYTES });
  let json: unknown;
  try {
    json = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch {
    throw new BridgeError('BAD_REQUEST');
  }
  const parsed = ClientMessage.safeParse(json);
  if (!parsed.success) {
    const maybeId = (json as { id?: unknown } | null)?.id;
    throw new InvalidFrame(RequestId.safeParse(maybeId).success ? (maybeId as string) : null);
  }
  return parsed.data;
}

async function answer(
  req: Exclude<ClientMessage, { type: 'ping' }>, mailbox: MailboxSession, toTab: (event: MailboxEvent) => void,
): Promise<unknown> {
  switch (req.type) {
    case 'sync':
      await mailbox.sync(toTab, req.refresh === true);
      return { started: true };
    case 'markSeen':
      return { keys: mailbox.markSeen(req.keys, req.seen) };
    case 'delete':
      return { pending: mailbox.markDelete(req.keys), commitInMs: mailbox.deleteGraceMs };
    case 'undoDelete':
      return { restored: mailbox.undoDelete(req.keys) };
    case 'commitDeletes':
      return await mailbox.commitDeletes();
    default:
      req satisfies never;
      throw new BridgeError('BAD_REQUEST');
  }
}
