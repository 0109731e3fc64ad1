/**
 * "Export CSV": every customer matching the current search — not just the rows on screen —
 * fetched from the Desk a thousand at a time, so a large merchant's export reports progress
 * instead of freezing the window.
 */
import type { CustomerRow, ProfileSummary } from '../../../../electron/common/contract.ts';
import { call } from '../../lib/bridge.ts';
import { toCsv } from '../../lib/csv.ts';

const PAGE = 1000;

const HEADER = [
  'id',
  'customer_id',
  'first_name',
  'last_name',
  'email',
  'phone',
  'date_of_birth',
  'organisation',
  'billing_street',
  'billing_city',
  'billing_postal_code',
  'billing_country',
  'created_at',
];

function line(c: CustomerRow): (string | number | null)[] {
  const billing = c.addresses.find((a) => a.address_type === 'billing');
  return [
    c.id,
    c.customer_id,
    c.first_name,
    c.last_name,
    c.email,
    c.phone ?? null,
    c.date_of_birth ?? null,
    c.organisation?.name ?? null,
    billing?.street ?? null,
    billing?.city ?? null,
    billing?.postal_code ?? null,
    billing?.country ?? null,
    c.created_at,
  ];
}

export function exportFilename(profile: ProfileSummary, now = new Date()): string {
  const slug = profile.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'profile';
  const day = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
  return `customers-${slug}-${day}.csv`;
}

export interface ExportProgress {
  done: number;
  total: number;
}

/** Resolves with the CSV text, or null when `cancelled()` turned true along the way. */
export async function customersCsv(
  profileId: string,
  search: string,
  onProgress: (progress: ExportProgress) => void,
  cancelled: () => boolean,
): Promise<{ csv: string; count: number } | null> {
  const seen = new Set<number>();
  const rows: (string | number | null)[][] = [];
  let total = Infinity;
  for (let offset = 0; offset < total; offset += PAGE) {
    const page = await call('customers.list', {
      profileId,
      offset,
      limit: PAGE,
      ...(search ? { search } : {}),
    });
    if (cancelled()) return null;
    total = page.total;
    // A sync landing mid-export can shift rows between pages; an id is written once.
    for (const c of page.rows) {
      if (seen.has(c.id)) continue;
      seen.add(c.id);
      rows.push(line(c));
    }
    onProgress({ done: Math.min(offset + page.rows.length, total), total });
    if (page.rows.length === 0) break;
  }
  return { csv: toCsv(HEADER, rows), count: rows.length };
}
