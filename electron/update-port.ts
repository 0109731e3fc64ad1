/**
 * The desktop app's UpdaterPort: electron-updater reads the GitHub Release's latest*.yml, checks
 * the download's sha512 and applies the installer. Whether and when to check, download or
 * restart is decided in core/update (tested in Node); this only carries it out. The feed's
 * content crosses into the Desk through the same schema the Node tests use.
 */
import type { AppUpdater, ProgressInfo } from 'electron-updater';
import { UpdateFeed } from './core/update/feed.ts';
import type { UpdaterPort } from './core/update/controller.ts';

/** The few members of electron-updater's AppUpdater the port uses. */
export type AppUpdaterLike = Pick<
  AppUpdater,
  'checkForUpdates' | 'downloadUpdate' | 'quitAndInstall' | 'on' | 'off' | 'autoDownload' | 'autoInstallOnAppQuit'
>;

export function electronUpdaterPort(updater: AppUpdaterLike): UpdaterPort {
  // Core decides when to download; a downloaded update still installs when the app quits.
  updater.autoDownload = false;
  updater.autoInstallOnAppQuit = true;
  return {
    async check() {
      const result = await updater.checkForUpdates();
      if (!result) throw new Error('the updater is not active in this copy');
      return UpdateFeed.parse(result.updateInfo);
    },
    async download(onProgress) {
      const listener = (info: ProgressInfo) => onProgress(info.percent);
      updater.on('download-progress', listener);
      try {
        await updater.downloadUpdate();
      } finally {
        updater.off('download-progress', listener);
      }
    },
    install() {
      updater.quitAndInstall(false, true);
    },
  };
}
