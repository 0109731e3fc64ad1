/**
 * Search figure: text searches over the cached orders through the Desk (`orders.list` with
 * `search`, as the Orders screen asks) against the same SQL run on the libSQL file directly.
 *
 * The raw side runs exactly the two statements `Cache.list` runs for an orders search with no
 * filter and no explicit sort (the count off the index, then the page ordered exact / prefix / rest and by relevance — or the
 * newest matches for a broad term), with the same FTS query
 * (`toFtsQuery`), on its own connection with the profile's key. Every answer of both sides is
 * compared by id, so if the store's SQL ever drifts from the copy below the figure says so.
 */
import Database from 'libsql';
import { tierParams, tierSql } from '../electron/core/store/cache.ts';
import { toFtsQuery } from '../electron/core/store/index.ts';
import { Rng } from '../electron/sandbox/prng.ts';
import { median, percentile, pick, round } from './stats.ts';

export interface SearchPlan {
  terms: number;
  rounds: number;
  seed: number;
}

export interface SearchFigures {
  terms: number;
  rounds: number;
  /** Medians over the rounds of each round's percentile, in ms. */
  deskP50Ms: number;
  deskP95Ms: number;
  rawP50Ms: number;
  rawP95Ms: number;
  /** Desk / raw, at p50 and p95. */
  ratioP50: number;
  ratioP95: number;
  /** Searches where the Desk and the raw SQL returned different ids (should be 0). */
  mismatches: number;
  /** How many orders the searches matched (median), to show they are not trivial. */
  medianMatches: number;
  /** A few of the terms, for the report. */
  sampleTerms: string[];
  /** The five slowest terms on the raw side (median over rounds): what bounds the p95. */
  slowest: { term: string; matches: number; rawMs: number; deskMs: number }[];
}

interface Target {
  file: string;
  key: string;
  query: (search: string) => Promise<{ rows: { id: number }[]; total: number }>;
}

// The statements Cache.list runs for a search with no other filter: the count off the index,
// then a ranked page — or, for a broad term (more than BROAD_SEARCH matches), the newest matches.
const BROAD_SEARCH = 2_000;
const COUNT_SQL = 'SELECT count(*) AS n FROM orders_fts WHERE orders_fts MATCH :q';
const ROW_COLUMNS = 't.id, t.json, t.pending, t.local_id, t.stale, t.written_at';
const PAGE_SQL = `SELECT ${ROW_COLUMNS} FROM orders t
  JOIN (SELECT rowid AS rid, rank AS score FROM orders_fts WHERE orders_fts MATCH :q) s ON s.rid = t.id
  ORDER BY ${tierSql('orders')}, s.score, t.id DESC LIMIT :limit OFFSET :offset`;
const BROAD_PAGE_SQL = `SELECT ${ROW_COLUMNS} FROM orders t WHERE t.id IN (
  SELECT rowid FROM orders_fts WHERE orders_fts MATCH :q ORDER BY rowid DESC LIMIT :limit OFFSET :offset)
  ORDER BY t.id DESC`;

/**
 * What operators type: a customer's surname (whole, or the first letters while typing), the
 * start of an invoice id, a product's name. Drawn from the cached data with a seeded PRNG.
 */
function searchTerms(db: Database.Database, count: number, seed: number): string[] {
  const column = (sql: string) =>
    (db.prepare(sql).all() as Record<string, unknown>[])
      .map((row) => Object.values(row)[0])
      .filter((v): v is string => typeof v === 'string' && v.trim().length > 0);
  const surnames = column('SELECT DISTINCT last_name FROM customers');
  const invoices = column(
    'SELECT invoice_id FROM orders WHERE invoice_id IS NOT NULL ORDER BY id LIMIT 20000',
  );
  const products = column('SELECT DISTINCT name FROM products');
  if (!surnames.length || !invoices.length || !products.length)
    throw new Error('the cache has no data to search');
  const rng = new Rng(seed, 'bench-search-terms');
  const random = () => rng.next();
  const terms: string[] = [];
  while (terms.length < count) {
    const kind = random();
    if (kind < 0.3) {
      terms.push(pick(random, surnames));
    } else if (kind < 0.45) {
      terms.push(pick(random, surnames).slice(0, 3).toLowerCase());
    } else if (kind < 0.75) {
      terms.push(pick(random, invoices).slice(0, 3 + Math.floor(random() * 3)));
    } else {
      const words = pick(random, products).split(/\s+/);
      terms.push(
        words
          .slice(0, 1 + Math.floor(random() * 2))
          .join(' ')
          .toLowerCase(),
      );
    }
  }
  return terms;
}

export async function searchBench(plan: SearchPlan, target: Target): Promise<SearchFigures> {
  const db = new Database(target.file, { encryptionKey: target.key } as Database.Options & {
    encryptionKey: string;
  });
  try {
    const count = db.prepare(COUNT_SQL);
    const page = db.prepare(PAGE_SQL);
    const broadPage = db.prepare(BROAD_PAGE_SQL);
    const raw = (search: string) => {
      const q = toFtsQuery(search);
      const total = (count.get({ q }) as { n: number }).n;
      const rows = (
        total > BROAD_SEARCH
          ? broadPage.all({ q, limit: 100, offset: 0 })
          : page.all({ q, ...tierParams(search), limit: 100, offset: 0 })
      ) as { id: number }[];
      return { total, ids: rows.map((r) => Number(r.id)) };
    };
    const terms = searchTerms(db, plan.terms, plan.seed);

    // Warm-up: statement caches, page cache and JIT on both sides.
    for (const term of terms.slice(0, Math.min(20, terms.length))) {
      await target.query(term);
      raw(term);
    }

    const rounds: { desk: number[]; raw: number[] }[] = [];
    const matches: number[] = [];
    const perTerm = terms.map(() => ({ desk: [] as number[], raw: [] as number[] }));
    let mismatches = 0;
    for (let r = 0; r < plan.rounds; r++) {
      const desk: number[] = [];
      const direct: number[] = [];
      for (const [i, term] of terms.entries()) {
        // Let the event loop turn between searches, as it does between a person's requests:
        // a loop of only microtasks would starve sockets and timers for the whole benchmark.
        await new Promise((resolve) => setImmediate(resolve));
        // Alternate who goes first, so neither side always finds the pages the other just read.
        const deskFirst = (i + r) % 2 === 0;
        let rawAnswer: ReturnType<typeof raw> | undefined;
        let deskAnswer: Awaited<ReturnType<Target['query']>> | undefined;
        const timeRaw = () => {
          const t = performance.now();
          rawAnswer = raw(term);
          const ms = performance.now() - t;
          direct.push(ms);
          perTerm[i]!.raw.push(ms);
        };
        const timeDesk = async () => {
          const t = performance.now();
          deskAnswer = await target.query(term);
          const ms = performance.now() - t;
          desk.push(ms);
          perTerm[i]!.desk.push(ms);
        };
        if (deskFirst) {
          await timeDesk();
          timeRaw();
        } else {
          timeRaw();
          await timeDesk();
        }
        if (r === 0) {
          matches.push(rawAnswer!.total);
          const same =
            deskAnswer!.total === rawAnswer!.total &&
            deskAnswer!.rows.length === rawAnswer!.ids.length &&
            deskAnswer!.rows.every((row, k) => row.id === rawAnswer!.ids[k]);
          if (!same) mismatches += 1;
        }
      }
      rounds.push({ desk, raw: direct });
    }
    const of = (side: 'desk' | 'raw', p: number) => median(rounds.map((r) => percentile(r[side], p)));
    const deskP50 = of('desk', 50);
    const deskP95 = of('desk', 95);
    const rawP50 = of('raw', 50);
    const rawP95 = of('raw', 95);
    return {
      terms: terms.length,
      rounds: plan.rounds,
      deskP50Ms: round(deskP50, 2),
      deskP95Ms: round(deskP95, 2),
      rawP50Ms: round(rawP50, 2),
      rawP95Ms: round(rawP95, 2),
      ratioP50: round(deskP50 / rawP50, 2),
      ratioP95: round(deskP95 / rawP95, 2),
      mismatches,
      medianMatches: median(matches),
      sampleTerms: terms.slice(0, 12),
      slowest: terms
        .map((term, i) => ({
          term,
          matches: matches[i] ?? 0,
          rawMs: median(perTerm[i]!.raw),
          deskMs: median(perTerm[i]!.desk),
        }))
        .sort((a, b) => b.rawMs - a.rawMs)
        .slice(0, 5),
    };
  } finally {
    db.close();
  }
}
