/**
 * The update feeds electron-builder publishes beside the installers (latest.yml for Windows,
 * latest-mac.yml, latest-linux.yml / latest-linux-arm64.yml) and how Desk reads them: which file
 * a platform reads, the schema of its content, version order, and the sha512 check of a download.
 * Plain Node: the shell's electron-updater reads the same files; this module decides with them.
 */
import { createHash } from 'node:crypto';
import yaml from 'js-yaml';
import { z } from 'zod';

const SEMVER = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;
const Sha512 = z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'a base64 sha512');

export const FeedFile = z.object({
  url: z.string().min(1),
  sha512: Sha512,
  size: z.number().int().positive(),
  blockMapSize: z.number().int().positive().optional(),
});
export type FeedFile = z.infer<typeof FeedFile>;

export const UpdateFeed = z.object({
  version: z.string().regex(SEMVER, 'a semantic version like 1.2.3'),
  files: z.array(FeedFile).min(1),
  path: z.string().optional(),
  sha512: Sha512.optional(),
  releaseDate: z.string().refine((d) => !Number.isNaN(Date.parse(d)), 'an ISO date'),
  releaseNotes: z.unknown().optional(),
  stagingPercentage: z.number().min(0).max(100).optional(),
});
export type UpdateFeed = z.infer<typeof UpdateFeed>;

export class FeedError extends Error {
  override readonly name = 'FeedError';
}

/** The feed file electron-updater reads on a platform (electron-builder's names). */
export function feedFileName(platform: string, arch: string): string {
  if (platform === 'win32') return 'latest.yml';
  if (platform === 'darwin') return 'latest-mac.yml';
  if (platform === 'linux') return arch === 'x64' ? 'latest-linux.yml' : `latest-linux-${arch}.yml`;
  throw new FeedError(`Updates are not published for ${platform}.`);
}

/** Parses a feed's YAML; anything malformed is an error that says what, never a guess. */
export function parseFeed(text: string): UpdateFeed {
  let raw: unknown;
  try {
    // JSON_SCHEMA: a date stays a string and nothing YAML-specific becomes an object.
    raw = yaml.load(text, { schema: yaml.JSON_SCHEMA });
  } catch (error) {
    throw new FeedError(`The update feed is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const parsed = UpdateFeed.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new FeedError(`The update feed is not usable: ${first?.path.join('.') || 'feed'} — ${first?.message}`);
  }
  return parsed.data;
}

/** -1, 0 or 1 as semantic versions order (a pre-release sorts before its release). */
export function compareVersions(a: string, b: string): number {
  const pa = SEMVER.exec(a);
  const pb = SEMVER.exec(b);
  if (!pa || !pb) throw new FeedError(`Cannot compare versions “${a}” and “${b}”.`);
  for (let i = 1; i <= 3; i++) {
    const d = Number(pa[i]) - Number(pb[i]);
    if (d !== 0) return Math.sign(d);
  }
  const [preA, preB] = [pa[4], pb[4]];
  if (preA === preB) return 0;
  if (preA === undefined) return 1;
  if (preB === undefined) return -1;
  const idsA = preA.split('.');
  const idsB = preB.split('.');
  for (let i = 0; i < Math.max(idsA.length, idsB.length); i++) {
    const x = idsA[i];
    const y = idsB[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x) ? Number(x) : null;
    const ny = /^\d+$/.test(y) ? Number(y) : null;
    if (nx !== null && ny !== null && nx !== ny) return Math.sign(nx - ny);
    if (nx !== null && ny === null) return -1;
    if (nx === null && ny !== null) return 1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** The installer a platform downloads from a feed: the one its `path` names, else the first. */
export function installerOf(feed: UpdateFeed): FeedFile {
  const named = feed.path ? feed.files.find((f) => f.url === feed.path) : undefined;
  const file = named ?? feed.files[0];
  if (!file) throw new FeedError('The update feed lists no installer.');
  return file;
}

/** Whether downloaded bytes are the installer the feed describes (size and sha512). */
export function matchesFeedFile(bytes: Uint8Array, file: FeedFile): boolean {
  return bytes.byteLength === file.size && createHash('sha512').update(bytes).digest('base64') === file.sha512;
}

/** Fetches and parses the feed at `<baseUrl>/<fileName>`. */
export async function fetchFeed(baseUrl: string, fileName: string, signal?: AbortSignal): Promise<UpdateFeed> {
  const url = new URL(fileName, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  const response = await fetch(url, { signal, headers: { 'cache-control': 'no-cache' } });
  if (!response.ok) throw new FeedError(`The update feed answered ${response.status} for ${fileName}.`);
  return parseFeed(await response.text());
}
