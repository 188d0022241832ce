/// <reference types="vite/client" />
// Mounts the real mailbox list over a synthetic mailbox whose size is given
// in the URL hash, fed through the same events the server sends.
import { mount } from 'svelte';
import MessageList from '../../../web/components/MessageList.svelte';
import { MailboxState } from '../../../web/lib/state/mailbox.svelte.ts';
import type { Summary } from '../../../shared/api/index.ts';
import '../../../web/styles.css';

const total = Number(location.hash.slice(1)) || 1000;
const mailbox = new MailboxState();
const opened: string[] = [];
mount(MessageList, { target: document.getElementById('app')!, props: { mailbox, onOpen: (key: string) => opened.push(key) } });
(window as unknown as { harness: unknown }).harness = { mailbox, opened };

const start = Date.UTC(2026, 0, 1);
mailbox.apply({ type: 'syncStarted', account: 'harness', total }, 'harness');
const BATCH = 500;
for (let i = 0; i < total; i += BATCH) {
  const items: Summary[] = [];
  for (let j = i; j < Math.min(total, i + BATCH); j++) {
    items.push({
      key: `k${j}`, index: j, from: { name: `Sender ${j % 97}`, address: `s${j % 97}@example.com` }, to: [],
      subject: `Message number ${j}`, date: new Date(start - j * 60_000).toISOString(),
      size: 1000 + (j % 5000), hasAttachment: j % 7 === 0, seen: j % 3 === 0,
    });
  }
  mailbox.apply({ type: 'summaries', account: 'harness', items }, 'harness');
}
mailbox.apply({ type: 'syncDone', account: 'harness', total }, 'harness');
