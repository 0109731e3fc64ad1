/**
 * Counters that let a test prove "exactly once": how many /api/v1 requests arrived (faulted or
 * not), and whether a profile holds duplicate customers or orders by their natural keys.
 */
import type { SandboxState } from './state.ts';

export class RequestCounter {
  total = 0;
  /** Requests refused with 429 by the sandbox's rate limit (counted in `total` too). */
  limited = 0;
  readonly byMethod: Record<string, number> = {};
  /** Requests per endpoint name of endpoints.ts (EXTRA beyond the brief's shape). */
  readonly byEndpoint: Record<string, number> = {};

  count(method: string, endpoint: string | null): void {
    this.total += 1;
    this.byMethod[method] = (this.byMethod[method] ?? 0) + 1;
    if (endpoint) this.byEndpoint[endpoint] = (this.byEndpoint[endpoint] ?? 0) + 1;
  }
}

function repeated(values: Iterable<string | null>): string[] {
  const seen = new Set<string>();
  const repeats = new Set<string>();
  for (const value of values) {
    if (value === null) continue;
    if (seen.has(value)) repeats.add(value);
    else seen.add(value);
  }
  return [...repeats].sort();
}

export interface ProfileStats {
  profile_id: number;
  customers: number;
  orders: number;
  duplicateEmails: string[];
  duplicateInvoiceIds: string[];
  requests: { total: number; limited: number; byMethod: Record<string, number>; byEndpoint: Record<string, number> };
}

export function profileStats(state: SandboxState, profileId: number, requests: RequestCounter): ProfileStats {
  const data = state.profile(profileId);
  return {
    profile_id: profileId,
    customers: data.customers.length,
    orders: data.orders.length,
    duplicateEmails: repeated(data.customers.map((c) => c.email.toLowerCase())),
    duplicateInvoiceIds: repeated(data.orders.map((o) => o.invoice_id)),
    requests: {
      total: requests.total,
      limited: requests.limited,
      byMethod: { ...requests.byMethod },
      byEndpoint: { ...requests.byEndpoint },
    },
  };
}
