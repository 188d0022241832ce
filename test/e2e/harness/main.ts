/// <reference types="vite/client" />
// Mounts the real message view alone, for browser tests that need no POP3
// server: the page opens the message named in the URL hash through the same
// GET /api/accounts/:account/messages/:key/raw path the app uses.
import { mount } from 'svelte';
import MessageView from '../../../web/components/MessageView.svelte';
import { MessageState } from '../../../web/lib/state/message.svelte.ts';
import '../../../web/styles.css';

const message = new MessageState();
mount(MessageView, {
  target: document.getElementById('app')!,
  props: { message, onBack: () => message.close(), onDelete: () => {} },
});
const key = decodeURIComponent(location.hash.slice(1));
if (key) void message.open('harness', key);
