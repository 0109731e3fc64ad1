/**
 * Axis arithmetic for the hand-drawn SVG charts: round tick steps a person reads at a glance
 * (0, 250, 500…), and short tick labels ("£1.2K") so the axis never crowds the bars.
 */

export interface BarSeries {
  /** Shown in the legend and the tooltip, e.g. a currency code. */
  name: string;
  /** A CSS colour, normally a theme variable such as `var(--accent)`, so dark mode follows. */
  color: string;
  /** One value per category, in category order. */
  values: number[];
}

/** Ticks from 0 to a round number at or above `max`. Counts get whole-number steps only. */
export function niceTicks(max: number, count = 4, integer = false): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return integer ? [0, 1] : [0, 1];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const multipliers = integer ? [1, 2, 5, 10] : [1, 2, 2.5, 5, 10];
  let step = (multipliers.find((m) => m * power >= raw) ?? 10) * power;
  if (integer) step = Math.max(1, Math.round(step));
  const top = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0; i * step <= top + step / 1000; i++) ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}

/** "1.2K", "£3.4M": for axis labels only; tooltips and tables show exact figures. */
export function compact(value: number, currency?: string | null): string {
  try {
    return new Intl.NumberFormat(undefined, {
      notation: 'compact',
      maximumFractionDigits: 1,
      ...(currency ? { style: 'currency', currency } : {}),
    }).format(value);
  } catch {
    return new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 }).format(value);
  }
}

/** A rough text width for laying out margins before anything is drawn (11–12px UI font). */
export function textWidth(text: string, px = 11): number {
  return Math.ceil(text.length * px * 0.6);
}
