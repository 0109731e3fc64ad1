/**
 * Where the Desk keeps its files when Electron is not there to say (browser mode, CLI): the same
 * folder Electron's `app.getPath('userData')` gives for "BillPro Desk", so both modes share
 * profiles and caches. `BILLPRO_DESK_DATA` overrides it (tests, portable installs).
 */
import os from 'node:os';
import path from 'node:path';

export const APP_FOLDER = 'BillPro Desk';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.BILLPRO_DESK_DATA) return path.resolve(env.BILLPRO_DESK_DATA);
  const home = os.homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_FOLDER);
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_FOLDER);
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_FOLDER);
}
