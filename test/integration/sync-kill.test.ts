/**
 * "Sync that never duplicates", proven with real processes: a Desk in a child process queues a
 * mixed batch while BillPro is down, then pushes it while the test `kill -9`s it at ≥ 20 random
 * (seeded) moments and starts it again on the same data folder. Writes reach the sandbox slowly
 * (20–80 ms before processing, or held back after processing) so kills land mid-request,
 * including between "BillPro saved it" and "the Desk heard so". In the end every mutation is at
 * the sandbox exactly once and the outbox on disk holds nothing unsent.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KeytarSecretStore } from '../../electron/core/secrets.ts';
import { Rng } from '../../electron/sandbox/prng.ts';
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../../electron/sandbox/server.ts';
import { startDeskChild, type ChildEvent } from '../support/child-process.ts';
import { startNetSwitch, type NetSwitch } from '../support/net-switch.ts';
import {
  addFaults,
  outboxOnDisk,
  sandboxStats,
  verifyAtSandbox,
  writeRequests,
  type BatchPlan,
  type BatchSizes,
} from '../support/sync-batch.ts';

const SEED = 20_261_101;
const KILLS = 22;
/**
 * How long after the child says its session is open the kill lands (uniform, ms). When the queue
 * runs low (a fast machine) the window shrinks, so all the kills still land while it pushes.
 */
const KILL_WINDOW_MS = [60, 500] as const;
const SHORT_KILL_WINDOW_MS = [0, 150] as const;
const SIZES: BatchSizes = {
  newCustomers: 16,
  ordersForNew: 16,
  ordersForExisting: 16,
  cancels: 12,
  skips: 12,
};
const SANDBOX: SandboxOptions = { seed: 5, products: 12, customers: 30, orders: 140, quiet: true };

let sandbox: RunningSandbox;
/** The Desk reaches the sandbox through this relay, switched off to take BillPro off the network. */
let network: NetSwitch;
let baseUrl: string;
let dataDir: string;

beforeAll(async () => {
  sandbox = await startSandbox({ ...SANDBOX, port: 0 });
  network = await startNetSwitch(sandbox.port);
  baseUrl = `http://127.0.0.1:${network.port}/api/v1`;
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'desk-kill-'));
});

afterAll(async () => {
  await network.close();
  await sandbox.close();
  rmSync(dataDir, { recursive: true, force: true });
});

it('kill -9 at 20+ random moments while pushing: every mutation lands exactly once, nothing is left unsent', async () => {
  const started = Date.now();
  const token = sandbox.tokens[0]!.token;

  // 1. Connect and pull everything while BillPro is up.
  const setup = startDeskChild('setup', dataDir, baseUrl, { DESK_CHILD_TOKEN: token });
  const { profileId } = (await setup.next('ready')) as { profileId: string; event: string };
  expect(await setup.exited).toBe(0);

  // 2. BillPro goes off the network (connections refused); the batch is queued offline.
  await network.off();
  const enqueue = startDeskChild('enqueue', dataDir, baseUrl, {
    DESK_CHILD_SIZES: JSON.stringify(SIZES),
    DESK_CHILD_SEED: String(SEED),
  });
  const queued = await enqueue.next('queued');
  expect(await enqueue.exited).toBe(0);
  const plan = JSON.parse(readFileSync(path.join(dataDir, 'plan.json'), 'utf8')) as BatchPlan;
  expect(queued.total).toBe(plan.total);
  expect(queued.waiting).toBe(plan.total);
  expect(queued.connectivity).toBe('unreachable');

  // 3. BillPro is back, slow on writes.
  const slowWrites = ['POST', 'PUT'].flatMap((method) => [
    { kind: 'timeout', method, rate: 0.3, latencyMs: 45 }, // processed, the answer held back
    { kind: 'latency', method, rate: 0.3, latencyMs: 20 },
    { kind: 'latency', method, rate: 0.5, latencyMs: 50 },
    { kind: 'latency', method, rate: 1, latencyMs: 80 },
  ]);
  await addFaults(sandbox.controlUrl, token, slowWrites);
  await network.on();

  // 4. Push, and kill -9 at random moments.
  const moments = new Rng(SEED, 'kill-moments');
  let kills = 0;
  let settledEarly = false;
  const waitingAtOpen: number[] = [];
  // A kill caught a change mid-request when the next start finds it `unknown` (it was `sending`).
  let caughtMidRequest = 0;
  let unknownBefore = new Set<number>();
  const countCaught = (open: ChildEvent): void => {
    const now = new Set(open.unknown as number[]);
    if ([...now].some((seq) => !unknownBefore.has(seq))) caughtMidRequest += 1;
    unknownBefore = now;
  };
  for (let i = 0; i < KILLS; i++) {
    const child = startDeskChild('run', dataDir, baseUrl);
    const open = await child.next('open');
    waitingAtOpen.push(Number(open.waiting));
    if (i > 0) countCaught(open);
    const [from, to] = Number(open.waiting) >= 3 * (KILLS - i) ? KILL_WINDOW_MS : SHORT_KILL_WINDOW_MS;
    await new Promise((resolve) => setTimeout(resolve, moments.int(from, to)));
    if (!child.alive) {
      settledEarly = true;
      break;
    }
    await child.kill();
    kills += 1;
  }

  // 5. One last run, left alone, drains the queue.
  const last = startDeskChild('run', dataDir, baseUrl);
  countCaught(await last.next('open'));
  // Not settling is a failure, but the figures below still say what went wrong.
  const settled = await last
    .next('settled', 30_000)
    .catch((error: unknown) => ({ event: 'stuck', error: String(error) }));
  await last.kill();

  const stats = await sandboxStats(sandbox.controlUrl, token);
  const verdict = await verifyAtSandbox(sandbox.baseUrl, token, plan);
  const onDisk = await outboxOnDisk(dataDir, profileId, new KeytarSecretStore());
  // No fault here fails a write, so every write beyond one per mutation was sent again after a
  // kill (the lookup found the change had not reached BillPro).
  const resent = writeRequests(stats) - plan.total;
  console.log(
    `[sync-kill] kill points tried: ${kills} (${caughtMidRequest} caught a change mid-request); ` +
      `resends after a kill: ${resent}; ` +
      `mutations: ${plan.total}; write requests received: ${writeRequests(stats)}; ` +
      `duplicates: ${verdict.duplicates.length}; lost: ${verdict.lost.length}; wrong: ${verdict.wrong.length}; ` +
      `outbox: ${JSON.stringify(onDisk)}; waiting at each restart: ${waitingAtOpen.join(' ')}; ` +
      `${((Date.now() - started) / 1000).toFixed(1)} s`,
  );

  expect(settledEarly, 'the queue drained before 20 kills: make the batch bigger').toBe(false);
  expect(kills).toBeGreaterThanOrEqual(20);
  expect(settled).toMatchObject({ event: 'settled', troubled: [] });
  expect(verdict.duplicates).toEqual([]);
  expect(verdict.lost).toEqual([]);
  expect(verdict.wrong).toEqual([]);
  expect(verdict.landed).toBe(plan.total);
  expect(stats.duplicateEmails).toEqual([]);
  expect(stats.duplicateInvoiceIds).toEqual([]);
  expect(onDisk).toMatchObject({
    pending: 0,
    sending: 0,
    unknown: 0,
    failed: 0,
    conflict: 0,
    done: plan.total,
  });
}, 120_000);
