/**
 * An UpdaterPort on plain HTTP: reads `<feedUrl>/<latest*.yml>`, downloads the installer it
 * names with progress, and keeps it only if its size and sha512 match the feed. The desktop app
 * uses electron-updater (which also applies the installer); this port is what the update loop is
 * tested against, over loopback, with real feed files.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FeedError, feedFileName, fetchFeed, installerOf, matchesFeedFile, type UpdateFeed } from './feed.ts';
import type { UpdaterPort } from './controller.ts';

export class FeedUpdaterPort implements UpdaterPort {
  private latest: UpdateFeed | null = null;
  /** Where the verified installer was written. */
  downloaded: string | null = null;

  constructor(
    private readonly options: {
      feedUrl: string;
      platform: string;
      arch: string;
      downloadDir: string;
      onInstall: (installer: string) => void;
    },
  ) {}

  async check(): Promise<UpdateFeed> {
    this.latest = await fetchFeed(this.options.feedUrl, feedFileName(this.options.platform, this.options.arch));
    return this.latest;
  }

  async download(onProgress: (percent: number) => void): Promise<void> {
    if (!this.latest) throw new FeedError('Check for an update before downloading it.');
    const file = installerOf(this.latest);
    const base = this.options.feedUrl.endsWith('/') ? this.options.feedUrl : `${this.options.feedUrl}/`;
    const url = new URL(file.url, base);
    const response = await fetch(url);
    if (!response.ok || !response.body) throw new FeedError(`The installer answered ${response.status}.`);
    const chunks: Uint8Array[] = [];
    let received = 0;
    for await (const chunk of response.body) {
      chunks.push(chunk);
      received += chunk.byteLength;
      onProgress((Math.min(received, file.size) / file.size) * 100);
    }
    const bytes = Buffer.concat(chunks);
    if (!matchesFeedFile(bytes, file)) {
      throw new FeedError('The downloaded installer does not match the sha512 and size in the feed; it was not kept.');
    }
    const target = path.join(this.options.downloadDir, path.basename(url.pathname));
    await writeFile(target, bytes);
    this.downloaded = target;
  }

  install(): void {
    if (!this.downloaded) throw new FeedError('Nothing has been downloaded.');
    this.options.onInstall(this.downloaded);
  }
}
