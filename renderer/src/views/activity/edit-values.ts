/**
 * "Edit and retry", the renderer's half: the Desk says which fields of a stored change may be
 * corrected (`OutboxEntrySummary.fields`, from core/changes/); here the person's edits are
 * written back into the stored payload, and BillPro's field messages sorted to those fields.
 */
import type { EditableField } from '../../../../electron/common/contract.ts';
import { fieldLabel } from '../../../../electron/common/names.ts';

type Segment = string | number;

function write(target: Record<string, unknown>, path: readonly Segment[], value: unknown): void {
  let here: unknown = target;
  for (let i = 0; i < path.length - 1; i++) {
    const segment = path[i]!;
    const next = (here as Record<string | number, unknown>)[segment];
    if (typeof next !== 'object' || next === null) {
      const created = typeof path[i + 1] === 'number' ? [] : {};
      (here as Record<string | number, unknown>)[segment] = created;
      here = created;
    } else {
      here = next;
    }
  }
  const last = path.at(-1)!;
  if (value === undefined) delete (here as Record<string | number, unknown>)[last];
  else (here as Record<string | number, unknown>)[last] = value;
}

/** The stored payload with the person's edits applied; untouched fields stay byte for byte. */
export function applyEdits(payload: unknown, fields: readonly EditableField[], values: Record<string, string>): unknown {
  const copy = JSON.parse(JSON.stringify(payload ?? {})) as Record<string, unknown>;
  for (const f of fields) {
    const next = values[f.key] ?? f.value;
    if (next === f.value) continue;
    const text = next.trim();
    if (text === '') {
      write(copy, f.path, f.whenEmpty === 'omit' ? undefined : f.whenEmpty === 'null' ? null : '');
    } else if (f.numeric && /^-?\d+$/.test(text)) {
      write(copy, f.path, Number(text));
    } else {
      write(copy, f.path, text);
    }
  }
  return copy;
}

/**
 * BillPro's field messages sorted to the form's fields. Keys may be `phone`, `order.invoice_id`
 * or `order_products[0].qty`; one that names no field of the form is kept for the general list.
 */
export function sortFieldErrors(
  fields: readonly EditableField[],
  errors: Record<string, string[]> | undefined,
): { byField: Record<string, string[]>; other: string[] } {
  const byField: Record<string, string[]> = {};
  const other: string[] = [];
  for (const [raw, messages] of Object.entries(errors ?? {})) {
    const key = raw.replace(/\[(\d+)\]/g, '.$1');
    const match = fields.find((f) => f.key === key || f.key.endsWith(`.${key}`));
    if (match) (byField[match.key] ??= []).push(...messages);
    else other.push(`${fieldLabel(raw)} ${messages.join(', ')}`);
  }
  return { byField, other };
}
