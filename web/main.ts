import { mount } from 'svelte';
import App from './components/App.svelte';
import { AppState } from './lib/state/app.svelte.ts';
import './styles.css';

const app = new AppState();
mount(App, { target: document.getElementById('app')!, props: { app } });
void app.init();
