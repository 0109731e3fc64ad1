/**
 * The paged rows behind every long list, run in Node: typed quickly, a search asks for each term
 * as it goes (the debounce is short), and whatever order the answers come back in, the list ends
 * showing the last term's rows — an older term's answer landing late is never painted over them.
 */
import { describe, expect, it } from 'vitest';
import { PagedRows, type PageAnswer, type PageLoader } from '../../renderer/src/lib/paged-rows.svelte.ts';

interface Asked {
  term: string;
  offset: number;
  answer: (rows: string[], total?: number) => void;
}

function harness() {
  const asked: Asked[] = [];
  const loader = (term: string): PageLoader<string> =>
    Object.assign(
      (offset: number) =>
        new Promise<PageAnswer<string>>((resolve) =>
          asked.push({ term, offset, answer: (rows, total) => resolve({ rows, total: total ?? rows.length, syncedAt: null }) }),
        ),
      { query: { search: term } },
    );
  const rows = new PagedRows<string>(loader(''));
  return { rows, asked, loader };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('PagedRows', () => {
  it('shows the last term typed when the answers for earlier terms land after it', async () => {
    const { rows, asked, loader } = harness();
    void rows.reset(loader(''));
    asked[0]!.answer(['all 1', 'all 2', 'all 3']);
    await settle();
    expect(rows.shownQuery).toEqual({ search: '' });

    // "s", "sm", "smi" typed one after another; the Desk answers the last first.
    for (const term of ['s', 'sm', 'smi']) void rows.reset(loader(term));
    const byTerm = (term: string) => asked.find((a) => a.term === term)!;
    byTerm('smi').answer(['smith'], 1);
    await settle();
    expect(rows.row(0)).toBe('smith');
    expect(rows.total).toBe(1);
    expect(rows.shownQuery).toEqual({ search: 'smi' });
    const landed = rows.landed;

    byTerm('s').answer(['sam', 'smith', 'sue'], 3);
    byTerm('sm').answer(['smith', 'smythe'], 2);
    await settle();
    expect(rows.row(0)).toBe('smith');
    expect(rows.row(1)).toBeUndefined();
    expect(rows.total).toBe(1);
    expect(rows.shownQuery).toEqual({ search: 'smi' });
    // A stale answer is not a new query landing (the grid marks its rows painted only for one).
    expect(rows.landed).toBe(landed);
  });

  it('counts one landing per query, not per page or refresh', async () => {
    const { rows, asked, loader } = harness();
    void rows.reset(loader('a'));
    asked.at(-1)!.answer(Array.from({ length: PagedRows.PAGE }, (_, i) => `a${i}`), 250);
    await settle();
    const landed = rows.landed;
    rows.ensure(PagedRows.PAGE, PagedRows.PAGE * 2);
    const next = asked.at(-1)!;
    expect(next.offset).toBe(PagedRows.PAGE);
    next.answer(Array.from({ length: PagedRows.PAGE }, (_, i) => `b${i}`), 250);
    await settle();
    expect(rows.row(PagedRows.PAGE)).toBe('b0');
    expect(rows.landed).toBe(landed);
  });

  it('asks for a page once however often it is ensured', async () => {
    const { rows, asked, loader } = harness();
    void rows.reset(loader('x'));
    asked.at(-1)!.answer(Array.from({ length: PagedRows.PAGE }, (_, i) => `x${i}`), 1000);
    await settle();
    const before = asked.length;
    rows.ensure(150, 250);
    rows.ensure(160, 260);
    expect(asked.slice(before).map((a) => a.offset)).toEqual([100, 200]);
  });
});
