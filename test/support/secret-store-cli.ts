/**
 * Drives a KeytarSecretStore in a process of its own, for the keychain failure-mode tests:
 * libsecret keeps its D-Bus connection for the life of a process, so each environment (no
 * bus, a bare bus, a locked keyring …) needs a fresh process.
 *
 *   node --import tsx test/support/secret-store-cli.ts <timeoutMs> <op>…
 *   op: check | get:<account> | set:<account>=<secret> | delete:<account> | accounts
 *
 * Prints one JSON line per op: {op, ok: true, value} or {op, ok: false, code, failure, message, cause}.
 * The op as printed never includes the secret.
 */
import { KeychainUnavailableError, KeytarSecretStore } from '../../electron/core/secrets.ts';
import { isDeskError } from '../../electron/common/errors.ts';

export interface CliOutcome {
  op: string;
  ok: boolean;
  value?: unknown;
  code?: string;
  failure?: string;
  message?: string;
  cause?: string;
}

async function run(store: KeytarSecretStore, op: string): Promise<unknown> {
  const [verb, rest = ''] = op.split(/:(.*)/s);
  switch (verb) {
    case 'check':
      return store.check();
    case 'get':
      return store.get(rest);
    case 'set': {
      const at = rest.indexOf('=');
      return store.set(rest.slice(0, at), rest.slice(at + 1));
    }
    case 'delete':
      return store.delete(rest);
    case 'accounts':
      return store.accounts();
    default:
      throw new Error(`unknown op ${op}`);
  }
}

const [timeout, ...ops] = process.argv.slice(2);
const store = new KeytarSecretStore({ timeoutMs: Number(timeout) });
let timedOut = false;
for (const op of ops) {
  const shown = op.startsWith('set:') ? op.slice(0, op.indexOf('=')) : op;
  let outcome: CliOutcome;
  try {
    outcome = { op: shown, ok: true, value: await run(store, op) };
  } catch (error) {
    outcome = {
      op: shown,
      ok: false,
      ...(isDeskError(error) ? { code: error.code } : {}),
      ...(error instanceof KeychainUnavailableError ? { failure: error.failure } : {}),
      message: error instanceof Error ? error.message : String(error),
      ...(error instanceof Error && error.cause instanceof Error ? { cause: error.cause.message } : {}),
    };
  }
  if (outcome.failure === 'timeout') timedOut = true;
  process.stdout.write(`${JSON.stringify(outcome)}\n`);
}
if (timedOut) {
  // A call that timed out still blocks a libuv pool thread inside libsecret, and Node's exit
  // joins that thread: leaving normally would wait until GDBus gives up (25 s per D-Bus call).
  // The answers are printed (stdout to a pipe is synchronous on Linux), so go now.
  process.kill(process.pid, 'SIGKILL');
}
