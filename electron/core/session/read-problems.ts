/**
 * Records BillPro sent that Desk could not read (set aside by the client, envelope.ts), kept for
 * Activity and counted per assumption id for the compatibility check. In memory: since Desk
 * started, bounded.
 */
import type { ReadProblemItem } from '../../common/contract.ts';
import { checkCompatibility, type CompatibilityReport } from '../billpro/compatibility.ts';
import type { ReadProblem } from '../billpro/envelope.ts';
import type { BillProConnection } from '../billpro/index.ts';
import type { Store } from '../store/index.ts';

/** Distinct unreadable records kept for Activity. */
const READ_PROBLEMS_KEPT = 200;

export class SessionReadProblems {
  private readonly problems = new Map<string, ReadProblemItem>();
  /** Read failures per assumption id (assumptions.ts). */
  private readonly failures = new Map<string, number>();

  record(problem: ReadProblem): void {
    for (const id of problem.assumptions) this.failures.set(id, (this.failures.get(id) ?? 0) + 1);
    const key = `${problem.endpoint}|${problem.id ?? `#${problem.index ?? ''}`}|${problem.issues.join('|')}`;
    const before = this.problems.get(key);
    this.problems.delete(key);
    this.problems.set(key, {
      endpoint: problem.endpoint,
      subject: problem.subject,
      index: problem.index,
      id: problem.id,
      issues: problem.issues,
      assumptions: problem.assumptions,
      shape: JSON.stringify(problem.shape),
      count: (before?.count ?? 0) + 1,
      lastSeen: new Date().toISOString(),
    });
    // Bounded: the oldest distinct problems give way.
    while (this.problems.size > READ_PROBLEMS_KEPT) {
      const oldest = this.problems.keys().next().value;
      if (oldest === undefined) break;
      this.problems.delete(oldest);
    }
  }

  list(): { problems: ReadProblemItem[]; counts: { assumption: string; count: number }[] } {
    return {
      problems: [...this.problems.values()].reverse(),
      counts: [...this.failures.entries()].map(([assumption, count]) => ({ assumption, count })),
    };
  }

  /** Read-only calls against BillPro, judged against every assumption (compatibility.ts). */
  check(connection: BillProConnection, store: Store, timeoutMs: number): Promise<CompatibilityReport> {
    const known = store.cache.list('orders', { filter: { local: false }, limit: 1, offset: 0 }).rows[0]?.id ?? null;
    return checkCompatibility(connection, { timeoutMs, runtimeFailures: this.failures, knownOrderId: known });
  }
}
