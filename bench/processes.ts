/**
 * The processes a benchmark run starts: the BillPro sandbox (its CLI, in a process of its own so
 * the server's work is not counted against the client on the same thread — as with a real,
 * remote BillPro) and the Desk child (desk-process.ts).
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { build } from 'esbuild';
import type { ChildReport, ChildConfig } from './desk-process.ts';

export const ROOT = path.resolve(import.meta.dirname, '..');

export interface SandboxProcess {
  baseUrl: string;
  tokens: { token: string; profiles: number[] }[];
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

export async function startSandboxProcess(sizes: {
  orders: number;
  customers: number;
  products: number;
}): Promise<SandboxProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(ROOT, 'electron', 'sandbox', 'cli.ts'),
      '--port',
      '0',
      '--quiet',
      '--orders',
      String(sizes.orders),
      '--customers',
      String(sizes.customers),
      '--products',
      String(sizes.products),
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const done = exited(child);
  const first = await new Promise<string>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    const timer = setTimeout(
      () => reject(new Error(`the sandbox did not start in 60 s:\n${stderr}`)),
      60_000,
    );
    lines.on('line', (line) => {
      if (line.startsWith('{')) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the sandbox exited (${code}) before it was ready:\n${stderr}`));
    });
  });
  const info = JSON.parse(first) as { baseUrl: string; tokens: SandboxProcess['tokens'] };
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (!stopping) process.stderr.write(`the sandbox exited unexpectedly (${code ?? signal}):\n${stderr}\n`);
  });
  return {
    baseUrl: info.baseUrl,
    tokens: info.tokens,
    stop: async () => {
      stopping = true;
      child.kill('SIGTERM');
      await done;
    },
  };
}

export interface DeskProcess {
  /** The next report the child sends (in order). */
  next<T extends ChildReport['type']>(type: T, timeoutMs: number): Promise<Extract<ChildReport, { type: T }>>;
  send(message: { type: 'stop' | 'sync-start' | 'sync-stop' | 'watch-start' | 'watch-stop' }): void;
  exited: Promise<void>;
  kill(): void;
}

/**
 * Bundles desk-process.ts the way scripts/build-electron.mjs bundles the app's main process
 * (one CommonJS file, the native modules left to node_modules), so the Desk process runs on
 * plain Node: under tsx its loader thread alone would add ~40 MB to the RSS being measured.
 * The bundle goes to node_modules/.cache, where `require('libsql')` still finds node_modules.
 */
export async function bundleDeskProcess(): Promise<string> {
  const outfile = path.join(ROOT, 'node_modules', '.cache', 'billpro-desk-bench', 'desk-process.cjs');
  await build({
    absWorkingDir: ROOT,
    entryPoints: [path.join(ROOT, 'bench', 'desk-process.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: ['es2023'],
    external: ['electron', 'keytar', 'libsql', '@libsql/*'],
    supported: { 'dynamic-import': false },
    outfile,
    logLevel: 'warning',
    legalComments: 'none',
  });
  return outfile;
}

/**
 * Starts the bundled desk-process with --expose-gc. Tokens travel in the environment, never on
 * the command line where `ps` would show them.
 */
export function startDeskProcess(
  script: string,
  config: ChildConfig,
  tokens: { a: string; b: string },
): DeskProcess {
  const child = fork(script, [JSON.stringify(config)], {
    cwd: ROOT,
    // BENCH_CPU_PROF=DIR: a V8 CPU profile of the Desk process, to find its long synchronous blocks.
    execArgv: ['--expose-gc', ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [])],
    env: { ...process.env, BENCH_TOKEN_A: tokens.a, BENCH_TOKEN_B: tokens.b },
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const queue: ChildReport[] = [];
  const waiters: ((report: ChildReport) => void)[] = [];
  child.on('message', (message) => {
    const report = message as ChildReport;
    const waiter = waiters.shift();
    if (waiter) waiter(report);
    else queue.push(report);
  });
  const done = exited(child);
  return {
    next: (type, timeoutMs) =>
      new Promise((resolve, reject) => {
        const accept = (report: ChildReport) => {
          clearTimeout(timer);
          if (report.type === 'failed')
            reject(new Error(`the Desk process failed: ${report.message}\n${stderr}`));
          else if (report.type !== type)
            reject(new Error(`expected ${type} from the Desk process, got ${report.type}`));
          else resolve(report as Extract<ChildReport, { type: typeof type }>);
        };
        const timer = setTimeout(
          () => reject(new Error(`the Desk process sent no ${type} within ${timeoutMs} ms:\n${stderr}`)),
          timeoutMs,
        );
        void done.then(() => {
          clearTimeout(timer);
          reject(new Error(`the Desk process exited before ${type}:\n${stderr}`));
        });
        const queued = queue.shift();
        if (queued) accept(queued);
        else waiters.push(accept);
      }),
    send: (message) => child.send(message),
    exited: done,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
