/**
 * The request budget on an injected clock: the per-minute window, a 429's Retry-After pause,
 * and concurrency that halves on trouble and grows back after a run of answers.
 */
import { describe, expect, it } from 'vitest';
import { DeskError } from '../../electron/common/errors.ts';
import { RequestBudget } from '../../electron/core/sync/budget.ts';

function rig(perMinute: number) {
  const clock = { now: 1_000_000 };
  const slept: number[] = [];
  const budget = new RequestBudget({
    perMinute,
    now: () => clock.now,
    sleep: async (ms) => {
      slept.push(ms);
      clock.now += ms;
    },
  });
  return { budget, clock, slept };
}

describe('RequestBudget', () => {
  it('starts no more than perMinute requests in any 60 s', async () => {
    const { budget, clock, slept } = rig(5);
    for (let i = 0; i < 12; i++) {
      await budget.run(async () => {
        budget.note({ status: 200 });
      });
      clock.now += 1_000;
    }
    // 5 in the first minute, then waits until the oldest leaves the window, and so on.
    expect(slept.length).toBeGreaterThanOrEqual(2);
    expect(budget.status().usedLastMinute).toBeLessThanOrEqual(5);
  });

  it('pauses for a 429 Retry-After, then tries the call again', async () => {
    const { budget, slept } = rig(3_000);
    let calls = 0;
    const value = await budget.run(async () => {
      calls += 1;
      if (calls === 1) {
        budget.note({ status: 429, code: 'RATE_LIMITED', retryAfterMs: 7_000 });
        throw new DeskError('RATE_LIMITED', 'slow down', { status: 429, retryAfterMs: 7_000 });
      }
      budget.note({ status: 200 });
      return 'page';
    });
    expect(value).toBe('page');
    expect(calls).toBe(2);
    expect(slept).toEqual([7_000]);
    expect(budget.status()).toMatchObject({ rateLimited: 1, concurrency: 2 });
  });

  it('gives up after a few 429s in a row, with the error', async () => {
    const { budget } = rig(3_000);
    let calls = 0;
    await expect(
      budget.run(async () => {
        calls += 1;
        throw new DeskError('RATE_LIMITED', 'slow down', { status: 429, retryAfterMs: 1_000 });
      }),
    ).rejects.toThrow('slow down');
    expect(calls).toBe(5);
  });

  it('halves concurrency on a 5xx and backs off, and grows it back after 20 answers', async () => {
    const { budget } = rig(3_000);
    expect(budget.concurrency).toBe(4);
    budget.note({ status: 503, code: 'SERVER' });
    expect(budget.concurrency).toBe(2);
    expect(budget.status().pausedUntil).not.toBeNull();
    for (let i = 0; i < 40; i++) budget.note({ status: 200 });
    expect(budget.concurrency).toBe(4);
  });
});
