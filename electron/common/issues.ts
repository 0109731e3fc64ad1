/**
 * Schema issues as field messages, the one shape every refusal carries (`DeskError.fields`):
 * a dotted path per field (`order.order_products.0.qty`), and `base` — BillPro's own key for
 * messages about the value as a whole — when the issue has no path.
 */
import type { FieldErrors } from './errors.ts';

/** The key of messages about the value as a whole rather than one of its fields. */
export const ROOT_FIELD = 'base';

/** Structurally a zod issue: where it is and what is wrong. */
export interface SchemaIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

export function fieldErrorsOf(issues: readonly SchemaIssue[]): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of issues) {
    const key = issue.path.length ? issue.path.map(String).join('.') : ROOT_FIELD;
    (fields[key] ??= []).push(issue.message);
  }
  return fields;
}
