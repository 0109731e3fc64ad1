import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';

performance.mark('desk:shell-start');
mount(App, { target: document.getElementById('app')! });
