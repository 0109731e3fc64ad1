/**
 * Where the Desk keeps its files when Electron is not there to say (browser mode, CLI): the same
 * folder Electron's `app.getPath('userData')` gives for "BillPro Desk", so both modes share
 * profiles and caches. `BILLPRO_DESK_DATA` overrides it (tests, portable installs).
 *
 * Everything the Desk writes is private to the user: folders 0700, files 0600, set on creation
 * and again on open (a folder made by an older version, or by hand, is tightened). Windows has
 * no such modes; there the user's profile folder's ACL applies.
 */
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const APP_FOLDER = 'BillPro Desk';
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.BILLPRO_DESK_DATA) return path.resolve(env.BILLPRO_DESK_DATA);
  const home = os.homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_FOLDER);
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_FOLDER);
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_FOLDER);
}

/** Make `dir` (and missing parents) and leave `dir` itself readable by this user only. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (process.platform !== 'win32') chmodSync(dir, PRIVATE_DIR_MODE);
}

/** Create `file` if missing (0600 from its first byte) and tighten it if it exists. */
export function ensurePrivateFile(file: string): void {
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  if (process.platform !== 'win32') chmodSync(file, PRIVATE_FILE_MODE);
}

/** Tighten `file` to 0600 (or `mode`) if it exists: SQLite's -wal and -shm files, a cache's folder. */
export function tightenIfExists(file: string, mode = PRIVATE_FILE_MODE): void {
  if (process.platform === 'win32') return;
  try {
    chmodSync(file, mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
