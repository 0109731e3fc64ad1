/**
 * A private Secret Service for tests: its own D-Bus session bus and its own gnome-keyring,
 * in a throw-away folder, so no test ever touches the developer's real keychain and every
 * run starts from an empty, unlocked login keyring.
 *
 * The bus is started from a config with no service directories: nothing can be activated on
 * it, so a locked keyring can never pop an unlock dialog on a developer's desktop, and a bus
 * without gnome-keyring really has no Secret Service (the stock session config would
 * auto-start one).
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Readable } from 'node:stream';

const execFileAsync = promisify(execFile);

/** The environment a process needs to use the private keyring (spread it over process.env). */
export interface KeyringEnv {
  DBUS_SESSION_BUS_ADDRESS: string;
  HOME: string;
  XDG_RUNTIME_DIR?: string;
  XDG_DATA_HOME?: string;
}

export interface PrivateBus {
  address: string;
  /** The throw-away folder holding the bus socket (and the keyring's HOME, when there is one). */
  dir: string;
  stop(): Promise<void>;
}

export interface PrivateKeyring {
  env: KeyringEnv;
  /** Stops the keyring daemon from answering (SIGSTOP): calls to it hang, as with a stuck daemon. */
  freeze(): void;
  thaw(): void;
  stop(): Promise<void>;
}

export interface PrivateKeyringOptions {
  /**
   * false: start gnome-keyring without creating the login keyring, so the Secret Service is up
   * but there is no default collection (the "no keyring" failure). Default true.
   */
  loginKeyring?: boolean;
}

/** The tools a private keyring needs, and the Debian/Ubuntu packages that provide them. */
const TOOLS: ReadonlyArray<readonly [tool: string, pkg: string]> = [
  ['dbus-daemon', 'dbus'],
  ['dbus-send', 'dbus'],
  ['gnome-keyring-daemon', 'gnome-keyring'],
  ['secret-tool', 'libsecret-tools'],
];

/** Throws, naming the packages to install, when a tool the keychain tests need is missing. */
export async function requireKeyringTools(): Promise<void> {
  const found = await Promise.all(
    TOOLS.map(([tool]) =>
      execFileAsync('sh', ['-c', `command -v ${tool}`]).then(
        () => true,
        () => false,
      ),
    ),
  );
  const missing = TOOLS.filter((_, index) => !found[index]);
  if (missing.length > 0) {
    const tools = missing.map(([tool]) => tool).join(', ');
    const packages = [...new Set(missing.map(([, pkg]) => pkg))].join(' ');
    throw new Error(
      `The keychain tests need a private Secret Service, but ${tools} ${missing.length === 1 ? 'is' : 'are'} not installed. ` +
        `Install them (Debian/Ubuntu: sudo apt-get install ${packages} libsecret-1-dev), then run the tests again.`,
    );
  }
}

function busConfig(socketPath: string): string {
  return `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=${socketPath}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`;
}

function unrefStream(stream: Readable | null): void {
  // Child pipes are sockets; unref'ing them keeps a leftover daemon from holding vitest open.
  (stream as unknown as { unref?: () => void } | null)?.unref?.();
}

function collectTail(child: ChildProcess): () => string {
  let tail = '';
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-2000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => tail.trim();
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGCONT');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
  await exited;
  clearTimeout(timer);
}

/** A bare D-Bus session bus, nothing on it: the "no Secret Service" situation. */
export async function startPrivateBus(dir?: string): Promise<PrivateBus> {
  const folder = dir ?? (await mkdtemp(join(tmpdir(), 'desk-bus-')));
  const ownsFolder = dir === undefined;
  const configPath = join(folder, 'bus.conf');
  await writeFile(configPath, busConfig(join(folder, 'bus')));

  const child = spawn('dbus-daemon', [`--config-file=${configPath}`, '--nofork', '--print-address=1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail = collectTail(child);
  const address = await new Promise<string>((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer): void => {
      out += chunk.toString('utf8');
      const newline = out.indexOf('\n');
      if (newline >= 0) {
        child.stdout?.off('data', onData);
        resolve(out.slice(0, newline).trim());
      }
    };
    child.stdout?.on('data', onData);
    child.once('error', (error) => reject(new Error(`Could not start dbus-daemon: ${error.message}`)));
    child.once('exit', (code, signal) =>
      reject(new Error(`dbus-daemon exited (${code ?? signal}) before printing its address: ${tail()}`)),
    );
  });
  child.unref();
  unrefStream(child.stdout);
  unrefStream(child.stderr);

  return {
    address,
    dir: folder,
    async stop() {
      await stopChild(child);
      if (ownsFolder) await rm(folder, { recursive: true, force: true });
    },
  };
}

async function dbusSend(address: string, args: string[]): Promise<string> {
  // --address skips the bus handshake and gets no replies routed; --session with the env works.
  const { stdout } = await execFileAsync('dbus-send', ['--session', '--print-reply', ...args], {
    env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: address },
    timeout: 5000,
  });
  return stdout;
}

async function defaultCollection(address: string): Promise<string | null> {
  const reply = await dbusSend(address, [
    '--dest=org.freedesktop.secrets',
    '/org/freedesktop/secrets',
    'org.freedesktop.Secret.Service.ReadAlias',
    'string:default',
  ]);
  const path = /object path "([^"]+)"/.exec(reply)?.[1];
  return path === undefined || path === '/' ? null : path;
}

async function nameHasOwner(address: string, name: string): Promise<boolean> {
  const reply = await dbusSend(address, [
    '--dest=org.freedesktop.DBus',
    '/org/freedesktop/DBus',
    'org.freedesktop.DBus.NameHasOwner',
    `string:${name}`,
  ]);
  return /boolean true/.test(reply);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts a private bus plus gnome-keyring on it, unlocked with a fixed test password, and
 * resolves once the Secret Service answers (and, by default, the login keyring exists).
 */
export async function startPrivateKeyring(options: PrivateKeyringOptions = {}): Promise<PrivateKeyring> {
  const loginKeyring = options.loginKeyring ?? true;
  const dir = await mkdtemp(join(tmpdir(), 'desk-keyring-'));
  const env: KeyringEnv = {
    DBUS_SESSION_BUS_ADDRESS: '',
    HOME: join(dir, 'home'),
    XDG_DATA_HOME: join(dir, 'home', '.local', 'share'),
    XDG_RUNTIME_DIR: join(dir, 'run'),
  };
  await mkdir(env.XDG_DATA_HOME ?? '', { recursive: true });
  await mkdir(env.XDG_RUNTIME_DIR ?? '', { recursive: true, mode: 0o700 });

  let bus: PrivateBus | undefined;
  let daemon: ChildProcess | undefined;
  const stop = async (): Promise<void> => {
    if (daemon) await stopChild(daemon);
    if (bus) await bus.stop();
    await rm(dir, { recursive: true, force: true });
  };

  try {
    bus = await startPrivateBus(dir);
    env.DBUS_SESSION_BUS_ADDRESS = bus.address;

    const args = ['--foreground', '--components=secrets', ...(loginKeyring ? ['--unlock'] : [])];
    // Only what the daemon needs: a developer's DISPLAY or real bus must not leak into it.
    const child = spawn('gnome-keyring-daemon', args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    });
    daemon = child;
    const tail = collectTail(child);
    let failure: Error | undefined;
    child.once(
      'error',
      (error) => (failure = new Error(`Could not start gnome-keyring-daemon: ${error.message}`)),
    );
    child.once(
      'exit',
      (code, signal) => (failure ??= new Error(`gnome-keyring-daemon exited (${code ?? signal}): ${tail()}`)),
    );
    // --unlock reads the login keyring's password from stdin; without it, stdin is unused.
    child.stdin?.end(loginKeyring ? 'desk-test-password' : '');
    child.unref();
    unrefStream(child.stdout);
    unrefStream(child.stderr);

    const deadline = Date.now() + 5000;
    for (;;) {
      if (failure) throw failure;
      const ready = loginKeyring
        ? (await defaultCollection(bus.address).catch(() => null)) !== null
        : await nameHasOwner(bus.address, 'org.freedesktop.secrets').catch(() => false);
      if (ready) break;
      if (Date.now() > deadline)
        throw new Error(`gnome-keyring did not come up on the private bus within 5 s: ${tail()}`);
      await sleep(15);
    }
  } catch (error) {
    await stop();
    throw error;
  }

  const pid = daemon.pid;
  return {
    env,
    freeze: () => {
      if (pid !== undefined) process.kill(pid, 'SIGSTOP');
    },
    thaw: () => {
      if (pid !== undefined) process.kill(pid, 'SIGCONT');
    },
    stop,
  };
}

/** Locks the default (login) keyring, as the screen locker or a timeout would. */
export async function lockKeyring(env: KeyringEnv): Promise<void> {
  const collection =
    (await defaultCollection(env.DBUS_SESSION_BUS_ADDRESS)) ?? '/org/freedesktop/secrets/collection/login';
  await dbusSend(env.DBUS_SESSION_BUS_ADDRESS, [
    '--dest=org.freedesktop.secrets',
    '/org/freedesktop/secrets',
    'org.freedesktop.Secret.Service.Lock',
    `array:objpath:${collection}`,
  ]);
  const locked = await dbusSend(env.DBUS_SESSION_BUS_ADDRESS, [
    '--dest=org.freedesktop.secrets',
    collection,
    'org.freedesktop.DBus.Properties.Get',
    'string:org.freedesktop.Secret.Collection',
    'string:Locked',
  ]);
  if (!/boolean true/.test(locked))
    throw new Error(`The keyring at ${collection} did not lock: ${locked.trim()}`);
}

/**
 * Runs secret-tool (libsecret's own CLI, independent of keytar) against the given keyring;
 * `input` goes to its stdin (how `secret-tool store` takes the secret). Resolves with its
 * stdout and exit code.
 */
export function secretTool(
  env: KeyringEnv,
  args: string[],
  input?: string,
): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn('secret-tool', args, {
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === null)
        reject(new Error(`secret-tool ${args[0] ?? ''} was killed (${signal ?? 'unknown signal'})`));
      else resolve({ stdout, stderr, code });
    });
    child.stdin.end(input ?? '');
  });
}
