/** The Orders list's created-date presets, on the operator's local calendar (plain Dates, no state). */

/** A local calendar day as `YYYY-MM-DD` (what a date input holds). */
export function localDay(date: Date): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

export const DATE_PRESETS = {
  today: 'Today',
  'last-7-days': 'Last 7 days',
  'this-month': 'This month',
  'last-month': 'Last month',
} as const;
export type DatePreset = keyof typeof DATE_PRESETS;

/** The created-from and created-to days (both included) of a preset, on the local calendar of `now`. */
export function presetRange(preset: DatePreset, now = new Date()): { from: string; to: string } {
  const y = now.getFullYear();
  const m = now.getMonth();
  const d = now.getDate();
  switch (preset) {
    case 'today':
      return { from: localDay(now), to: localDay(now) };
    case 'last-7-days':
      return { from: localDay(new Date(y, m, d - 6)), to: localDay(now) };
    case 'this-month':
      return { from: localDay(new Date(y, m, 1)), to: localDay(new Date(y, m + 1, 0)) };
    case 'last-month':
      return { from: localDay(new Date(y, m - 1, 1)), to: localDay(new Date(y, m, 0)) };
  }
}
