/**
 * A Desk in a process of its own, so a test can `kill -9` it mid-push and start it again on the
 * same data folder, as a crash and a relaunch of the app would. It uses the real keychain
 * (KeytarSecretStore; DBUS_SESSION_BUS_ADDRESS from the test run points it at the private
 * gnome-keyring) and the real encrypted cache.
 *
 *   node --import tsx test/support/desk-child.ts <mode> <dataDir> <baseUrl>
 *
 *   setup    add a profile for <baseUrl> (token from DESK_CHILD_TOKEN), pull everything, exit
 *   enqueue  queue the mixed batch of sync-batch.ts (sizes from DESK_CHILD_SIZES, seed from
 *            DESK_CHILD_SEED) — meant to run while BillPro cannot be reached — write the plan
 *            to <dataDir>/plan.json, exit
 *   run      reopen (stays logged in), let the outbox push, exit once nothing waits to be sent
 *
 * The token comes through the environment, never the command line, where `ps` would show it.
 * Prints one JSON line per step on stdout: {"event":"ready"|"queued"|"open"|"settled", …}.
 */
import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Desk } from '../../electron/core/desk.ts';
import { KeytarSecretStore } from '../../electron/core/secrets.ts';
import { caller, enqueueMixedBatch, type BatchSizes } from './sync-batch.ts';

const [mode, dataDir, baseUrl] = process.argv.slice(2);
if (!mode || !dataDir || !baseUrl) {
  process.stderr.write('usage: desk-child.ts <setup|enqueue|run> <dataDir> <baseUrl>\n');
  process.exit(2);
}

function say(event: string, details: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ event, ...details })}\n`);
}

const desk = await Desk.create({
  dataDir,
  secrets: new KeytarSecretStore(),
  mode: 'web',
  version: 'test',
  platform: process.platform,
  tuning: {
    requestTimeoutMs: Number(process.env.DESK_CHILD_TIMEOUT_MS ?? 3_000),
    probeIntervalMs: Number(process.env.DESK_CHILD_PROBE_MS ?? 100),
    syncIntervalMs: 60_000,
  },
});
const call = caller(desk);
if (process.env.DESK_CHILD_TRACE) {
  const t0 = Date.now();
  desk.onEvent(({ event, payload }) => {
    if (event === 'connectivity' || event === 'outboxChanged')
      process.stderr.write(`${Date.now() - t0}ms ${event} ${JSON.stringify(payload)}\n`);
  });
}

async function activeProfile(): Promise<string> {
  const { activeId } = await call('profiles.list', {});
  if (!activeId) throw new Error('no active profile: run setup first');
  return activeId;
}

try {
  if (mode === 'setup') {
    const token = process.env.DESK_CHILD_TOKEN;
    if (!token) throw new Error('DESK_CHILD_TOKEN is not set');
    const added = await call('profiles.add', { name: 'Kill test', environment: 'custom', baseUrl, token });
    await call('profiles.setActive', { id: added.id });
    await call('sync.now', { profileId: added.id });
    say('ready', { profileId: added.id });
  } else if (mode === 'enqueue') {
    const profileId = await activeProfile();
    const sizes = JSON.parse(process.env.DESK_CHILD_SIZES ?? '{}') as BatchSizes;
    const plan = await enqueueMixedBatch(
      call,
      profileId,
      sizes,
      Number(process.env.DESK_CHILD_SEED ?? 1),
      'kill',
    );
    const file = path.join(dataDir, 'plan.json');
    writeFileSync(`${file}.tmp`, JSON.stringify(plan));
    renameSync(`${file}.tmp`, file);
    const status = await call('sync.status', { profileId });
    say('queued', { total: plan.total, waiting: status.pending, connectivity: status.connectivity });
  } else if (mode === 'run') {
    const profileId = await activeProfile();
    // The session (keychain, cache, recovery of what the last kill interrupted) is open once this answers.
    let status = await call('sync.status', { profileId });
    // Entries the last kill caught mid-request (`sending`) reopen as `unknown`.
    const unknown = await call('outbox.list', { profileId, states: ['unknown'], limit: 500 });
    say('open', {
      waiting: status.pending,
      unknown: unknown.entries.map((e) => e.seq),
      connectivity: status.connectivity,
    });
    while (status.pending > 0) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      status = await call('sync.status', { profileId });
    }
    const { entries } = await call('outbox.list', { profileId, limit: 500 });
    const states: Record<string, number> = {};
    for (const e of entries) states[e.state] = (states[e.state] ?? 0) + 1;
    const troubled = entries
      .filter((e) => e.state === 'failed' || e.state === 'conflict')
      .map((e) => `${e.summary}: ${e.lastError?.message ?? ''}`);
    say('settled', { states, troubled, connectivity: status.connectivity });
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  await desk.close();
  process.exit(0);
} catch (error) {
  process.stderr.write(`desk-child ${mode}: ${error instanceof Error ? error.message : String(error)}\n`);
  await desk.close().catch(() => undefined);
  process.exit(1);
}
