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
          asked.push({
            term,
            offset,
            answer: (rows, total) => resolve({ rows, total: total ?? rows.length, syncedAt: null }),
          }),
        ),
      { query: { search: term } },
    );
  const rows = new PagedRows<string>(loader(''));
  return { rows, asked, loader };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('PagedRows', () => {
  it('shows the last term typed, asking for one term at a time and skipping the ones typed past', async () => {
    const { rows, asked, loader } = harness();
    void rows.reset(loader(''));
    asked.at(-1)!.answer(['all 1', 'all 2', 'all 3']);
    await settle();
    expect(rows.shownQuery).toEqual({ search: '' });
    const landed = rows.landed;

    // "s", "sm", "smi" typed one after another while the Desk is still answering "s".
    const before = asked.length;
    for (const term of ['s', 'sm', 'smi']) void rows.reset(loader(term));
    expect(asked.slice(before).map((a) => a.term)).toEqual(['s']);
    asked.at(-1)!.answer(['sam', 'smith', 'sue'], 3);
    await settle();
    // "s" is not shown (it was typed past); "smi" is asked for next, "sm" never.
    expect(rows.shownQuery).toEqual({ search: '' });
    expect(rows.landed).toBe(landed);
    expect(asked.slice(before).map((a) => a.term)).toEqual(['s', 'smi']);
    asked.at(-1)!.answer(['smith'], 1);
    await settle();
    expect(rows.row(0)).toBe('smith');
    expect(rows.row(1)).toBeUndefined();
    expect(rows.total).toBe(1);
    expect(rows.shownQuery).toEqual({ search: 'smi' });
    expect(rows.landed).toBe(landed + 1);
    expect(rows.loading).toBe(false);

    // Typing on after that asks at once again.
    void rows.reset(loader('smit'));
    expect(asked.at(-1)!.term).toBe('smit');
  });

  it('settles a failed term and asks again for the next', async () => {
    const { rows, loader } = harness();
    const failing: PageLoader<string> = Object.assign(() => Promise.reject(new Error('Desk said no')), {
      query: { search: 'bad' },
    });
    await rows.reset(failing);
    expect(rows.error).toBeInstanceOf(Error);
    expect(rows.loading).toBe(false);
    const next = rows.reset(loader('good'));
    expect(rows.loading).toBe(true);
    void next;
  });

  it('counts one landing per query, not per page or refresh', async () => {
    const { rows, asked, loader } = harness();
    void rows.reset(loader('a'));
    asked.at(-1)!.answer(
      Array.from({ length: PagedRows.PAGE }, (_, i) => `a${i}`),
      250,
    );
    await settle();
    const landed = rows.landed;
    rows.ensure(PagedRows.PAGE, PagedRows.PAGE * 2);
    const next = asked.at(-1)!;
    expect(next.offset).toBe(PagedRows.PAGE);
    next.answer(
      Array.from({ length: PagedRows.PAGE }, (_, i) => `b${i}`),
      250,
    );
    await settle();
    expect(rows.row(PagedRows.PAGE)).toBe('b0');
    expect(rows.landed).toBe(landed);
  });

  it('asks for a page once however often it is ensured', async () => {
    const { rows, asked, loader } = harness();
    void rows.reset(loader('x'));
    asked.at(-1)!.answer(
      Array.from({ length: PagedRows.PAGE }, (_, i) => `x${i}`),
      1000,
    );
    await settle();
    const before = asked.length;
    rows.ensure(150, 250);
    rows.ensure(160, 260);
    expect(asked.slice(before).map((a) => a.offset)).toEqual([100, 200]);
  });

  it('keeps a new term on its way when fresher data lands, and refreshes after it', async () => {
    const { rows, asked, loader } = harness();
    void rows.reset(loader(''));
    asked.at(-1)!.answer(['old 1', 'old 2']);
    await settle();
    void rows.reset(loader('new'));
    const term = asked.at(-1)!;
    void rows.refresh(); // a sync landed orders while the term was on its way
    expect(asked.at(-1)).toBe(term);
    term.answer(['new 1']);
    await settle();
    expect(rows.shownQuery).toEqual({ search: 'new' });
    expect(rows.row(0)).toBe('new 1');
    // …then the shown page is asked again, for the same term.
    const again = asked.at(-1)!;
    expect(again).not.toBe(term);
    expect(again.term).toBe('new');
    again.answer(['new 1 (fresher)']);
    await settle();
    expect(rows.row(0)).toBe('new 1 (fresher)');
  });

  it('refreshes only the pages near the rows shown', async () => {
    const { rows, asked, loader } = harness();
    void rows.reset(loader('x'));
    const page = (p: number) => Array.from({ length: PagedRows.PAGE }, (_, i) => `p${p}-${i}`);
    asked.at(-1)!.answer(page(0), 1000);
    await settle();
    for (const from of [100, 200, 300, 400, 500]) {
      rows.ensure(from, from + 30);
      asked.at(-1)!.answer(page(from / 100), 1000);
      await settle();
    }
    const before = asked.length;
    void rows.refresh();
    expect(asked.slice(before).map((a) => a.offset)).toEqual([400, 500]);
  });
});
