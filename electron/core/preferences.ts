/**
 * Desktop preferences (`<dataDir>/preferences.json`): the update mode and the notification
 * switch. Parsed with the contract's schema on read; a missing or unreadable file means the
 * defaults (and an unreadable one is replaced on the next change).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DesktopPreferences } from '../common/desktop.ts';
import { writeAtomically } from './profiles.ts';

export class Preferences {
  private writing: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<(value: DesktopPreferences) => void>();

  private constructor(
    private readonly file: string,
    private current: DesktopPreferences,
  ) {}

  static async open(dataDir: string): Promise<Preferences> {
    const file = path.join(dataDir, 'preferences.json');
    let value = DesktopPreferences.parse({});
    try {
      const parsed = DesktopPreferences.safeParse(JSON.parse(await readFile(file, 'utf8')));
      if (parsed.success) value = parsed.data;
    } catch {
      // Missing or not JSON: the defaults.
    }
    return new Preferences(file, value);
  }

  get value(): DesktopPreferences {
    return this.current;
  }

  async update(changes: Partial<DesktopPreferences>): Promise<DesktopPreferences> {
    const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
    const next = DesktopPreferences.parse({ ...this.current, ...defined });
    this.current = next;
    const snapshot = JSON.stringify(next, null, 2);
    this.writing = this.writing.then(() => writeAtomically(this.file, snapshot));
    await this.writing;
    for (const listener of this.listeners) listener(next);
    return next;
  }

  onChange(listener: (value: DesktopPreferences) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
