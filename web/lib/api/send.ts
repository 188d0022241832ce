import { z } from 'zod';
import {
  Draft,
  Identity,
  OutboxQueued,
  OutboxStatus,
  SentMessage,
  SentSummary,
  Upload,
  type DraftInput,
  type IdentityInput,
} from '../../../shared/api/index.ts';
import { call, json, JSON_HEADERS } from './http.ts';

// The sending API (docs/api.md): uploads, drafts, the outbox, Sent, identity.
const put = (body: unknown): RequestInit => ({ method: 'PUT', headers: JSON_HEADERS, body: JSON.stringify(body) });
const enc = encodeURIComponent;
// Browsers cap keepalive bodies at 64 KiB in all.
const KEEPALIVE_MAX = 60_000;

export async function upload(file: Blob, filename: string): Promise<Upload> {
  const form = new FormData();
  form.append('file', file, filename);
  return json(await call('/api/uploads', { method: 'POST', body: form }), Upload);
}

export async function deleteUpload(id: string): Promise<void> {
  await call(`/api/uploads/${enc(id)}`, { method: 'DELETE' });
}

export async function listDrafts(): Promise<Draft[]> {
  return json(await call('/api/drafts'), z.array(Draft));
}

/** `keepalive` lets the save outlive a closing page; browsers allow it for small bodies only. */
export async function saveDraft(id: string, draft: DraftInput, { keepalive = false } = {}): Promise<Draft> {
  const init = put(draft);
  if (keepalive && String(init.body).length < KEEPALIVE_MAX) init.keepalive = true;
  return json(await call(`/api/drafts/${enc(id)}`, init), Draft);
}

export async function deleteDraft(id: string): Promise<void> {
  await call(`/api/drafts/${enc(id)}`, { method: 'DELETE' });
}

export async function queueSend(draftId: string): Promise<OutboxQueued> {
  return json(await call('/api/outbox', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ draftId }) }), OutboxQueued);
}

export async function outboxStatus(id: string): Promise<OutboxStatus> {
  return json(await call(`/api/outbox/${enc(id)}`), OutboxStatus);
}

/** Undo: `cancelled` when it was still waiting, otherwise the state it is already in. */
export async function cancelSend(id: string): Promise<OutboxStatus> {
  return json(await call(`/api/outbox/${enc(id)}`, { method: 'DELETE' }), OutboxStatus);
}

export async function listSent(): Promise<SentSummary[]> {
  return json(await call('/api/sent'), z.array(SentSummary));
}

export async function getSent(id: string): Promise<SentMessage> {
  return json(await call(`/api/sent/${enc(id)}`), SentMessage);
}

export async function getIdentity(account: string): Promise<Identity> {
  return json(await call(`/api/identity/${enc(account)}`), Identity);
}

export async function saveIdentity(account: string, input: IdentityInput): Promise<Identity> {
  return json(await call(`/api/identity/${enc(account)}`, put(input)), Identity);
}

export async function getDraft(id: string): Promise<Draft> {
  return json(await call(`/api/drafts/${enc(id)}`), Draft);
}
