/**
 * Light, dark or follow the system. A per-device display preference, so it lives in the page's
 * own storage rather than in a profile.
 */
export type ThemeChoice = 'light' | 'dark' | 'system';
const KEY = 'billpro-desk.theme';

export class Theme {
  choice = $state<ThemeChoice>('system');

  constructor() {
    const saved = globalThis.localStorage?.getItem(KEY);
    if (saved === 'light' || saved === 'dark' || saved === 'system') this.choice = saved;
  }

  set(choice: ThemeChoice): void {
    this.choice = choice;
    localStorage.setItem(KEY, choice);
    this.apply();
  }

  apply(): void {
    if (this.choice === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = this.choice;
  }
}

export const theme = new Theme();
