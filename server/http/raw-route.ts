import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MessageKey, type RawOutcome } from '../../shared/api/index.ts';
import { Pop3RemoteError } from '../../shared/pop3/index.ts';
import { BridgeError, toApiError } from '../errors.ts';
import type { MailboxRegistry } from '../mailbox/registry.ts';
import type { MailStore } from '../store/store.ts';
import { mailboxOf } from '../accounts/resolve.ts';
import { sessionAccountFor } from './account-param.ts';
import { RawOutcomes } from './raw-outcome.ts';

/** Longest file name offered for download. */
const MAX_FILENAME = 120;

/**
 * RFC 6266 Content-Disposition for a sender-controlled name: every control
 * character (C0, C1, line and paragraph separators) is dropped so it cannot
 * inject a header, and path separators and quotes are replaced.
 */
export function attachmentDisposition(name: string): string {
  const cleaned = name
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '')
    // A lone surrogate cannot be encoded as UTF-8 (encodeURIComponent throws).
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .replace(/[\\/"]/g, '_')
    .trim();
  // Cut by code points, never inside a surrogate pair.
  const clean = Array.from(cleaned).slice(0, MAX_FILENAME).join('') || 'message';
  const file = `${clean}.eml`;
  const ascii = file.replace(/[^\x20-\x7e]/g, '_').replace(/[%;]/g, '_');
  const encoded = encodeURIComponent(file).replace(/['()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** The connection closing while RETR is under way is the message's failure, not the mailbox's; other errors keep their code. */
function interrupted(e: unknown): unknown {
  return toApiError(e).code === 'CONNECTION_CLOSED' ? new BridgeError('MESSAGE_INTERRUPTED') : e;
}

interface MessageParams { account: string; key: string }

/** The session's account and the message key a URL names; an account not of this session is not found. */
function target(req: FastifyRequest, params: MessageParams): { account: string; key: string } {
  const { account } = sessionAccountFor(req, params.account);
  const key = MessageKey.safeParse(params.key);
  if (!key.success) throw new BridgeError('BAD_REQUEST');
  return { account, key: key.data };
}

/**
 * GET /api/accounts/:account/messages/:key/raw — the message bytes, streamed; never rendered in
 * the app's origin. GET .../raw/outcome — why the last stream ended early
 * (raw-outcome.ts explains why the browser must ask).
 */
export function rawRoute(app: FastifyInstance, registry: MailboxRegistry, store: MailStore): void {
  const outcomes = new RawOutcomes();
  app.get<{ Params: MessageParams }>(
    '/api/accounts/:account/messages/:key/raw/outcome',
    { preHandler: app.requireSession },
    async (req, reply): Promise<RawOutcome> => {
      const { account, key } = target(req, req.params);
      reply.header('cache-control', 'no-store');
      return { error: outcomes.get(account, key) };
    },
  );
  app.get<{ Params: MessageParams; Querystring: { download?: string } }>(
    '/api/accounts/:account/messages/:key/raw',
    { preHandler: app.requireSession },
    async (req, reply) => {
      const { account, key: messageKey } = target(req, req.params);
      // Only an account signed in for this session: one that needs its password gets nothing, though
      // its mailbox may be live for someone else.
      const { mailbox } = mailboxOf(req.webSession!, registry, req.params.account);
      const download = req.query.download === '1';
      // Every header is settled before the RETR starts: once it has, the mailbox waits for this body.
      reply.header('content-type', download ? 'application/octet-stream' : 'message/rfc822');
      reply.header('x-content-type-options', 'nosniff');
      reply.header('content-security-policy', 'sandbox');
      // Never cached: the bytes must not outlive the session in the browser (see no-store.ts).
      reply.header('cache-control', 'no-store');
      reply.header('vary', 'Cookie');
      if (download) {
        const subject = store.get(account, messageKey)?.summary.subject ?? '';
        reply.header('content-disposition', attachmentDisposition(subject));
      }
      outcomes.started(account, messageKey);
      // A browser that goes away, even while the open waits for the mailbox, must release it:
      // the message holds the connection until its body is read or closed (raw-message.ts).
      let it: AsyncIterator<Uint8Array> | undefined;
      let gone = false;
      let released = false;
      const release = async (): Promise<void> => {
        if (released || !it) return;
        released = true;
        await it.return?.();
      };
      reply.raw.once('close', () => { gone = true; void release(); });
      let first: IteratorResult<Uint8Array>;
      try {
        const opened = await mailbox.openMessage(messageKey);
        it = opened.body[Symbol.asyncIterator]();
        // Read the first chunk before any byte goes out, so a RETR failure is a clean HTTP error.
        try { first = await it.next(); } catch (e) { throw interrupted(e); }
      } catch (e) {
        // A -ERR to RETR: the message left the server since the listing.
        if (e instanceof Pop3RemoteError && e.code === 'COMMAND_FAILED') {
          throw new BridgeError('MESSAGE_GONE', e.serverText ? { serverText: e.serverText.slice(0, 512) } : {});
        }
        throw e;
      }
      const body = it;
      if (gone || reply.raw.destroyed) {
        await release();
        return reply;
      }
      async function* rest(): AsyncGenerator<Uint8Array> {
        try {
          if (!first.done) yield first.value;
          for (;;) {
            let r: IteratorResult<Uint8Array>;
            try {
              r = await body.next();
            } catch (e) {
              // Recorded before the stream errors (and Fastify destroys the response), so it is there when the browser asks.
              outcomes.failed(account, messageKey, toApiError(interrupted(e)));
              throw e;
            }
            if (r.done) return;
            yield r.value;
          }
        } finally {
          await release();
        }
      }
      // A buffer of a few chunks keeps the POP3 side flowing while the browser reads.
      const stream = Readable.from(rest(), { objectMode: false, highWaterMark: 256 * 1024 });
      // Destroyed before its first read, the stream never runs rest() (nor its finally): release here too.
      stream.once('close', () => void release());
      return reply.send(stream);
    },
  );
}
