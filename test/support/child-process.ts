/**
 * Starts test/support/desk-child.ts as a real process and reads its JSON lines, so a test can
 * wait for a step, `kill -9` it at any moment and start it again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const CHILD = path.join(ROOT, 'test', 'support', 'desk-child.ts');

export interface ChildEvent {
  event: string;
  [key: string]: unknown;
}

export interface DeskChild {
  process: ChildProcess;
  /** Resolves with the first event of that name; rejects if the process exits first. */
  next(event: string, timeoutMs?: number): Promise<ChildEvent>;
  /** Resolves with the exit code (null after a signal). */
  exited: Promise<number | null>;
  readonly alive: boolean;
  /** SIGKILL: no handler, no cleanup, no flush. */
  kill(): Promise<void>;
  stderr(): string;
}

export function startDeskChild(
  mode: 'setup' | 'enqueue' | 'run',
  dataDir: string,
  baseUrl: string,
  env: Record<string, string> = {},
): DeskChild {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, mode, dataDir, baseUrl], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const events: ChildEvent[] = [];
  const waiters = new Set<() => void>();
  readline.createInterface({ input: child.stdout! }).on('line', (line) => {
    if (!line.startsWith('{')) return;
    events.push(JSON.parse(line) as ChildEvent);
    for (const wake of [...waiters]) wake();
  });
  let alive = true;
  let finished = false;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      alive = false;
      // Let the last stdout lines arrive before anyone looks at them.
      setImmediate(() => {
        finished = true;
        resolve(code);
        for (const wake of [...waiters]) wake();
      });
    });
  });

  return {
    process: child,
    exited,
    get alive() {
      return alive;
    },
    stderr: () => err,
    next(event, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`desk-child ${mode}: no "${event}" within ${timeoutMs} ms. stderr:\n${err}`));
        }, timeoutMs);
        const check = (): void => {
          const found = events.find((e) => e.event === event);
          if (found) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(found);
          } else if (finished) {
            clearTimeout(timer);
            waiters.delete(check);
            reject(
              new Error(`desk-child ${mode} exited (${child.exitCode}) before "${event}". stderr:\n${err}`),
            );
          }
        };
        waiters.add(check);
        check();
      });
    },
    async kill() {
      if (alive) child.kill('SIGKILL');
      await exited;
    },
  };
}
