import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { startEarly } from './lib/early-start.ts';

performance.mark('desk:shell-start');
startEarly();
mount(App, { target: document.getElementById('app')! });
