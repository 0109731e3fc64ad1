/**
 * The profile registry: the non-secret half of each merchant profile, kept in one JSON file in the
 * app's data folder. Tokens live in the keychain (secrets.ts), never here.
 *
 * Writes are atomic (temp file, fsync, rename), so a crash mid-write leaves the previous file.
 * The file is parsed with a schema on read; a file that does not parse is set aside (renamed) and
 * reported rather than crashing the app or being silently overwritten.
 */
import { randomUUID } from 'node:crypto';
import { open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { Environment } from '../common/contract.ts';
import { DeskError } from '../common/errors.ts';
import { ensurePrivateDir, tightenIfExists } from './data-dir.ts';

export const StoredProfile = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  environment: Environment,
  baseUrl: z.string().min(1),
  billproProfileId: z.number().int().positive().nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
});
export type StoredProfile = z.infer<typeof StoredProfile>;

const RegistryFile = z.object({
  version: z.literal(1),
  activeId: z.string().nullable(),
  profiles: z.array(StoredProfile),
});
type RegistryFile = z.infer<typeof RegistryFile>;

export type NewProfile = Omit<StoredProfile, 'id' | 'createdAt' | 'lastUsedAt'>;

export class ProfileRegistry {
  private state: RegistryFile = { version: 1, activeId: null, profiles: [] };
  /** Serialises writes so two quick changes cannot interleave their renames. */
  private writing: Promise<void> = Promise.resolve();

  private constructor(private readonly file: string) {}

  static async open(dataDir: string): Promise<{ registry: ProfileRegistry; problem: string | null }> {
    ensurePrivateDir(dataDir);
    const registry = new ProfileRegistry(path.join(dataDir, 'profiles.json'));
    tightenIfExists(registry.file);
    const problem = await registry.load();
    return { registry, problem };
  }

  private async load(): Promise<string | null> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    let parsed: ReturnType<typeof RegistryFile.safeParse>;
    try {
      parsed = RegistryFile.safeParse(JSON.parse(text));
    } catch {
      parsed = RegistryFile.safeParse(undefined);
    }
    if (parsed.success) {
      this.state = parsed.data;
      if (this.state.activeId && !this.find(this.state.activeId)) this.state.activeId = null;
      return null;
    }
    const aside = `${this.file}.unreadable-${Date.now()}`;
    await rename(this.file, aside);
    return `The profile list could not be read and was set aside as ${path.basename(aside)}. Add your profiles again; their tokens are still in the keychain.`;
  }

  list(): readonly StoredProfile[] {
    return this.state.profiles;
  }

  get activeId(): string | null {
    return this.state.activeId;
  }

  find(id: string): StoredProfile | undefined {
    return this.state.profiles.find((p) => p.id === id);
  }

  get(id: string): StoredProfile {
    const found = this.find(id);
    if (!found) throw new DeskError('NOT_FOUND', 'That profile no longer exists. Pick another one.');
    return found;
  }

  /** Ids are made by the caller when it must store a secret under the id before the profile exists. */
  static newId(): string {
    return randomUUID();
  }

  async add(profile: NewProfile, id = ProfileRegistry.newId(), now = new Date()): Promise<StoredProfile> {
    const stored: StoredProfile = { ...profile, id, createdAt: now.toISOString(), lastUsedAt: null };
    this.state = { ...this.state, profiles: [...this.state.profiles, stored] };
    await this.save();
    return stored;
  }

  async update(id: string, changes: Partial<NewProfile>): Promise<StoredProfile> {
    const current = this.get(id);
    const next = StoredProfile.parse({ ...current, ...changes });
    this.state = { ...this.state, profiles: this.state.profiles.map((p) => (p.id === id ? next : p)) };
    await this.save();
    return next;
  }

  async remove(id: string): Promise<void> {
    this.get(id);
    const profiles = this.state.profiles.filter((p) => p.id !== id);
    const activeId = this.state.activeId === id ? (profiles[0]?.id ?? null) : this.state.activeId;
    this.state = { ...this.state, profiles, activeId };
    await this.save();
  }

  async setActive(id: string, now = new Date()): Promise<StoredProfile> {
    const current = this.get(id);
    const next = { ...current, lastUsedAt: now.toISOString() };
    this.state = {
      ...this.state,
      activeId: id,
      profiles: this.state.profiles.map((p) => (p.id === id ? next : p)),
    };
    await this.save();
    return next;
  }

  private save(): Promise<void> {
    const snapshot = JSON.stringify(this.state, null, 2);
    this.writing = this.writing.then(() => writeAtomically(this.file, snapshot));
    return this.writing;
  }
}

/** Write, flush and rename, so readers see either the old file or the new one, never half. */
export async function writeAtomically(file: string, contents: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(contents, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
}
