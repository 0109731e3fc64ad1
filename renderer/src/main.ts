import { mount } from 'svelte';
// First of our modules: the leave guard's `hashchange` listener must be registered before the
// router's (listeners on window run in registration order), so it can hold a change back.
import './lib/leave-guard.svelte.ts';
import App from './App.svelte';
import './app.css';
import { startEarly } from './lib/early-start.ts';

performance.mark('desk:shell-start');
startEarly();
mount(App, { target: document.getElementById('app')! });
