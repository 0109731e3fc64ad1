/* eslint-disable svelte/prefer-svelte-reactivity -- pages live in plain Maps on purpose: one `version` counter signals a landed page, far cheaper than a reactive Map over hundreds of pages. */
/**
 * Rows of a long, server-sorted list fetched in pages on demand, so a 100,000-row table costs only
 * the pages on screen. A new query (search, filter, sort) starts over; answers for an older query
 * are dropped, so a slow page can never paint over a newer one.
 */
export interface PageAnswer<T> {
  rows: T[];
  total: number;
  syncedAt: string | null;
}

/**
 * Fetches one page of a query. `query` (optional) says which query it is: the grid puts it in its
 * rows-painted mark, so a benchmark can tell the rows of the last search typed from a stale one.
 */
export type PageLoader<T> = ((offset: number, limit: number) => Promise<PageAnswer<T>>) & { readonly query?: unknown };

export class PagedRows<T> {
  /** About three screens of rows: small enough that the first answer is quick to send and paint. */
  static readonly PAGE = 100;

  total = $state(0);
  syncedAt = $state<string | null>(null);
  loading = $state(false);
  error = $state<unknown>(null);
  /** Bumped when a page lands, so views reading `row(i)` re-render. */
  version = $state(0);

  private pages = new Map<number, T[]>();
  private inFlight = new Set<number>();
  private generation = 0;
  /** A new query's first page is on its way: a refresh waits for it rather than superseding it. */
  private resetting = false;
  private refreshAfterReset = false;
  /** The rows last ensured (what the grid shows, with what it reads ahead). */
  private wanted = { from: 0, to: 0 };
  /** True once the first page of a query has landed (state, so "empty" views re-render then). */
  ready = $state(false);
  /** Bumped when a new query's first page lands (not when shown pages are refreshed). */
  landed = $state(0);
  /** The `query` of the loader whose rows are shown. */
  shownQuery = $state.raw<unknown>(undefined);

  constructor(private loader: PageLoader<T>) {}

  /**
   * Start over with a new loader (new query); keeps showing old rows until the first page lands.
   * One first page is asked for at a time: a query asked for while another is on its way waits
   * for that answer (then dropped) and only the newest waiting one is asked — typing "wilson"
   * never queues six searches in the Desk ahead of the last one. Resolves once the newest query
   * asked for so far has landed (or failed).
   */
  reset(loader: PageLoader<T> = this.loader): Promise<void> {
    this.loader = loader;
    this.generation += 1;
    this.inFlight.clear();
    this.loading = true;
    this.resetting = true;
    this.refreshAfterReset = false;
    this.asking ??= this.askFirstPage();
    return this.asking;
  }

  private asking: Promise<void> | null = null;

  private async askFirstPage(): Promise<void> {
    for (;;) {
      const generation = this.generation;
      const loader = this.loader;
      try {
        const first = await loader(0, PagedRows.PAGE);
        if (generation !== this.generation) continue; // superseded while on its way: ask for the newest
        this.pages = new Map([[0, first.rows]]);
        this.total = first.total;
        this.syncedAt = first.syncedAt;
        this.error = null;
        this.ready = true;
        this.shownQuery = loader.query;
        this.landed += 1;
        this.version += 1;
      } catch (error) {
        if (generation !== this.generation) continue;
        this.error = error;
      }
      // Done, synchronously with the last check of the generation: a reset from here on asks anew.
      this.asking = null;
      this.loading = false;
      this.resetting = false;
      if (this.refreshAfterReset) {
        this.refreshAfterReset = false;
        void this.refresh();
      }
      return;
    }
  }

  /** Re-fetch the pages already shown (fresher data landed), keeping the scroll position. */
  async refresh(): Promise<void> {
    // Before the first page has landed there is nothing to keep: load the query afresh rather
    // than supersede the load in flight with a refresh of no pages.
    if (!this.ready) return this.reset();
    // The new query's answer may predate the fresher data: refresh once it has landed.
    if (this.resetting) {
      this.refreshAfterReset = true;
      return;
    }
    // Only the pages around what the grid shows; the others are asked again if scrolled back to.
    const near = (p: number) =>
      (p + 1) * PagedRows.PAGE > this.wanted.from - PagedRows.PAGE && p * PagedRows.PAGE < this.wanted.to + PagedRows.PAGE;
    const kept = [...this.pages.keys()].filter(near);
    const shown = kept.length ? kept : [0];
    this.generation += 1;
    const generation = this.generation;
    try {
      const answers = await Promise.all(shown.map((p) => this.loader(p * PagedRows.PAGE, PagedRows.PAGE)));
      if (generation !== this.generation) return;
      this.pages = new Map(shown.map((p, i) => [p, answers[i]!.rows]));
      this.total = answers[0]?.total ?? this.total;
      this.syncedAt = answers[0]?.syncedAt ?? this.syncedAt;
      this.version += 1;
    } catch (error) {
      if (generation === this.generation) this.error = error;
    }
  }

  row(index: number): T | undefined {
    void this.version;
    return this.pages.get(Math.floor(index / PagedRows.PAGE))?.[index % PagedRows.PAGE];
  }

  /** Make sure rows [from, to) are loaded or loading. */
  ensure(from: number, to: number): void {
    this.wanted = { from, to };
    // Asked again (by the grid's effect) whenever a page lands; nothing while a new query's
    // first page is on its way (the pages shown are about to be replaced).
    void this.version;
    if (this.resetting) return;
    const first = Math.max(0, Math.floor(from / PagedRows.PAGE));
    const last = Math.floor(Math.max(from, to - 1) / PagedRows.PAGE);
    for (let page = first; page <= last; page++) {
      if (page * PagedRows.PAGE >= this.total || this.pages.has(page) || this.inFlight.has(page)) continue;
      this.inFlight.add(page);
      const generation = this.generation;
      this.loader(page * PagedRows.PAGE, PagedRows.PAGE)
        .then((answer) => {
          if (generation !== this.generation) return;
          this.pages.set(page, answer.rows);
          this.total = answer.total;
          this.version += 1;
        })
        .catch((error: unknown) => {
          if (generation === this.generation) this.error = error;
        })
        .finally(() => this.inFlight.delete(page));
    }
  }
}
