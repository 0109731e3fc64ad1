/**
 * The real processes an e2e spec drives, started the way a person starts them: the sandbox CLI
 * (`npm run sandbox`) and the browser-mode web host (`npm run web`), each a child process with
 * its own data folder, so a spec can stop, `kill -9` and restart them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import type { Route } from '@playwright/test';

export const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');

interface Started {
  child: ChildProcess;
  /** Stop gracefully (SIGTERM) and wait for the exit. */
  stop(): Promise<void>;
  /** `kill -9`: no cleanup runs. */
  kill(): Promise<void>;
}

function launch(script: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, script), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function controls(child: ChildProcess): Pick<Started, 'stop' | 'kill'> {
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Resolves with the first stdout line that `match` accepts; rejects if the process exits first. */
function waitForLine(child: ChildProcess, match: (line: string) => string | null, what: string): Promise<string> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error(`${what} did not start in time. stderr:\n${stderr}`)), 30_000);
    lines.on('line', (line) => {
      const found = match(line);
      if (found !== null) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}) before it was ready. stderr:\n${stderr}`));
    });
  });
}

export interface SandboxProcess extends Started {
  baseUrl: string;
  controlUrl: string;
  port: number;
  tokens: { token: string; profiles: number[] }[];
}

export async function startSandboxProcess(options: { port?: number; seed?: number; orders?: number } = {}): Promise<SandboxProcess> {
  const args = ['--port', String(options.port ?? 0)];
  if (options.seed !== undefined) args.push('--seed', String(options.seed));
  if (options.orders !== undefined) args.push('--orders', String(options.orders));
  const child = launch('electron/sandbox/cli.ts', args);
  const first = await waitForLine(child, (line) => (line.startsWith('{') ? line : null), 'The sandbox');
  const info = JSON.parse(first) as { baseUrl: string; tokens: SandboxProcess['tokens'] };
  const url = new URL(info.baseUrl);
  return {
    child,
    ...controls(child),
    baseUrl: info.baseUrl,
    controlUrl: `${url.origin}/__sandbox`,
    port: Number(url.port),
    tokens: info.tokens,
  };
}

export interface WebHostProcess extends Started {
  openUrl: string;
  origin: string;
}

export async function startWebHostProcess(dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<WebHostProcess> {
  const child = launch('electron/web-host-cli.ts', ['--port', '0', '--data-dir', dataDir, '--no-build'], env);
  const openUrl = await waitForLine(child, (line) => line.match(/^Open: (\S+)/)?.[1] ?? null, 'The web host');
  return { child, ...controls(child), openUrl, origin: new URL(openUrl).origin };
}

/**
 * `route.fetch()` for a call to the web host, made from Node: the host answers only at its
 * `<random>.localhost` name, which browsers resolve to loopback themselves but Node's resolver
 * does not. So Node connects to 127.0.0.1 and sends the host's own name in `Host`, as the
 * browser does.
 */
export function fetchFromWebHost(route: Route): ReturnType<Route['fetch']> {
  const request = route.request();
  const url = new URL(request.url());
  const host = url.host;
  url.hostname = '127.0.0.1';
  return route.fetch({ url: url.href, headers: { ...request.headers(), host } });
}

export function tempDataDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'desk-e2e-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
