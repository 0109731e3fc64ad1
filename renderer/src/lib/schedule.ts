/**
 * Schedules in words, one way everywhere: "every week", "every 2 weeks", "10 instalments",
 * "every month, 10 instalments". The interval is always BillPro's own pair (interval, unit);
 * a missing interval is said to be missing, never taken as 1.
 */

/** "1 instalment", "10 instalments"; the number in the operator's locale. */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

/** BillPro's interval and unit in words; null interval: the unit only, with the gap said. */
export function every(interval: number | null | undefined, unit: string | null | undefined): string {
  if (!unit) return '—';
  const word = unit.toLowerCase();
  if (interval === null || interval === undefined) return `every ? ${word}s (BillPro did not give the interval)`;
  return interval === 1 ? `every ${word}` : `every ${interval.toLocaleString()} ${word}s`;
}

/** "every month, 10 instalments" — the schedule of an instalment product or order. */
export function instalmentPlan(interval: number | null | undefined, unit: string | null | undefined, instalments: number | null | undefined): string {
  const parts = [every(interval, unit), ...(instalments ? [count(instalments, 'instalment')] : [])];
  return parts.join(', ');
}
