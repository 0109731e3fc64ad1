/**
 * The renderer's live query, run in Node: what a screen shows is always the newest answer for
 * the profile it shows. A late answer for an older request, for a request made before a local
 * change, or for the profile switched away from never replaces a newer one; fresher data of the
 * query's collections (and only those, and only for its profile) asks again.
 */
import { describe, expect, it } from 'vitest';
import { LiveQuery, type Refreshed } from '../../renderer/src/lib/live-query.svelte.ts';

/** A request the test answers when it chooses, so answers can arrive out of order. */
interface Asked {
  profileId: string;
  answer: (value: string) => void;
  fail: (error: Error) => void;
}

function harness(options: { collections?: Refreshed['collections'] | 'any'; refreshDelayMs?: number; eager?: boolean } = {}) {
  const asked: Asked[] = [];
  const listeners = new Set<(event: Refreshed) => void>();
  const query = new LiveQuery<string>({
    profileId: 'p1',
    collections: options.collections ?? ['orders'],
    ...(options.refreshDelayMs === undefined ? {} : { refreshDelayMs: options.refreshDelayMs }),
    ...(options.eager === undefined ? {} : { eager: options.eager }),
    fetch: (profileId) =>
      new Promise<string>((resolve, reject) => asked.push({ profileId, answer: resolve, fail: reject })),
    listen: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  });
  const stop = query.connect();
  const emit = (event: Refreshed) => {
    for (const listener of listeners) listener(event);
  };
  return { query, asked, emit, stop, listeners };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('LiveQuery', () => {
  it('asks at once and shows the answer', async () => {
    const { query, asked } = harness();
    expect(asked).toHaveLength(1);
    expect(query.loading).toBe(true);
    expect(query.settled).toBe(false);
    asked[0]!.answer('first');
    await settle();
    expect(query.value).toBe('first');
    expect(query.loading).toBe(false);
    expect(query.settled).toBe(true);
  });

  it('waits for its first load when it is not eager', () => {
    const { asked } = harness({ eager: false });
    expect(asked).toHaveLength(0);
  });

  it('drops a late answer to an older request', async () => {
    const { query, asked } = harness();
    void query.load();
    asked[1]!.answer('newer');
    await settle();
    asked[0]!.answer('older');
    await settle();
    expect(query.value).toBe('newer');
    expect(query.loading).toBe(false);
  });

  it('keeps loading while the newest request is in flight, even when an older one lands', async () => {
    const { query, asked } = harness();
    void query.load();
    asked[0]!.answer('older');
    await settle();
    expect(query.value).toBeNull();
    expect(query.loading).toBe(true);
  });

  it('drops an error from an older request', async () => {
    const { query, asked } = harness();
    void query.load();
    asked[1]!.answer('newer');
    asked[0]!.fail(new Error('too late'));
    await settle();
    expect(query.error).toBeNull();
    expect(query.value).toBe('newer');
  });

  it('keeps the last answer when a load fails, and clears the error with the next answer', async () => {
    const { query, asked } = harness();
    asked[0]!.answer('shown');
    await settle();
    void query.load();
    asked[1]!.fail(new Error('offline'));
    await settle();
    expect(query.value).toBe('shown');
    expect((query.error as Error).message).toBe('offline');
    void query.load();
    asked[2]!.answer('back');
    await settle();
    expect(query.error).toBeNull();
    expect(query.value).toBe('back');
  });

  it('a local change replaces the value, and a load asked before it never lands over it', async () => {
    const { query, asked } = harness();
    asked[0]!.answer('active');
    await settle();
    void query.load(); // e.g. the Refresh button, answered slowly
    query.set('paused'); // the action's answer
    expect(query.value).toBe('paused');
    expect(query.loading).toBe(false);
    asked[1]!.answer('active');
    await settle();
    expect(query.value).toBe('paused');
  });

  it('a patch keeps a load in flight, which lands whole', async () => {
    const { query, asked } = harness();
    asked[0]!.answer('a');
    await settle();
    void query.load();
    query.patch('b');
    asked[1]!.answer('c');
    await settle();
    expect(query.value).toBe('c');
  });

  it('reloads when its collections are refreshed for its profile, and only then', async () => {
    const { asked, emit } = harness({ collections: ['orders'] });
    emit({ profileId: 'p1', collections: ['orders', 'customers'] });
    expect(asked).toHaveLength(2);
    emit({ profileId: 'p1', collections: ['customers'] });
    emit({ profileId: 'p2', collections: ['orders'] });
    expect(asked).toHaveLength(2);
  });

  it("'any' reloads on every refresh of its profile, once per burst when it waits", async () => {
    const { asked, emit } = harness({ collections: 'any', refreshDelayMs: 20 });
    emit({ profileId: 'p1', collections: ['orders'] });
    emit({ profileId: 'p1', collections: ['customers'] });
    emit({ profileId: 'p1', collections: ['products'] });
    emit({ profileId: 'p2', collections: ['products'] });
    expect(asked).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(asked).toHaveLength(2);
  });

  it('on a profile change forgets the old answer, asks for the new profile and drops the old profile’s late answer', async () => {
    const { query, asked, emit } = harness();
    asked[0]!.answer('p1 data');
    await settle();
    void query.load(); // still in flight for p1 when the operator switches
    query.follow('p2');
    expect(query.value).toBeNull();
    expect(query.settled).toBe(false);
    expect(asked[2]!.profileId).toBe('p2');
    asked[1]!.answer('p1 late');
    await settle();
    expect(query.value).toBeNull();
    asked[2]!.answer('p2 data');
    await settle();
    expect(query.value).toBe('p2 data');
    // Refreshes now concern the new profile only.
    emit({ profileId: 'p1', collections: ['orders'] });
    expect(asked).toHaveLength(3);
    emit({ profileId: 'p2', collections: ['orders'] });
    expect(asked).toHaveLength(4);
    expect(asked[3]!.profileId).toBe('p2');
  });

  it('following the same profile changes nothing', async () => {
    const { query, asked } = harness();
    asked[0]!.answer('kept');
    await settle();
    query.follow('p1');
    expect(asked).toHaveLength(1);
    expect(query.value).toBe('kept');
  });

  it('once disposed it stops listening, a pending refresh never fires and an answer in flight lands nowhere', async () => {
    const { query, asked, emit, stop, listeners } = harness({ refreshDelayMs: 20 });
    emit({ profileId: 'p1', collections: ['orders'] }); // a refresh waiting for its burst to end
    stop();
    expect(listeners.size).toBe(0);
    emit({ profileId: 'p1', collections: ['orders'] });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(asked).toHaveLength(1);
    asked[0]!.answer('after the screen closed');
    await settle();
    expect(query.value).toBeNull();
  });
});
