/**
 * An order's timeline from what the Desk knows, newest first: when BillPro created it, the
 * changes sent (or waiting to be sent) from this device, and the payments BillPro reports as
 * collected, declined, skipped… Nothing is inferred: a step the Desk was not told of is absent.
 */
import type { OrderRow, OutboxEntrySummary, ScheduledPaymentRow } from '../../../../electron/common/contract.ts';
import { date, humanize, money } from '../../lib/format.ts';

export interface TimelineItem {
  key: string;
  /** ISO 8601 */
  at: string;
  text: string;
}

const CHANGE_STATE: Record<OutboxEntrySummary['state'], string> = {
  pending: 'waiting to be sent from this device',
  sending: 'being sent from this device',
  unknown: 'sent from this device; BillPro’s answer is being checked',
  done: 'sent from this device; BillPro accepted it',
  failed: 'sent from this device; BillPro refused it (see Activity)',
  conflict: 'sent from this device; it conflicts with BillPro (see Activity)',
  discarded: 'discarded on this device; never applied',
};

/** Payment statuses worth a line: something happened to the payment. */
const EVENTFUL = new Set(['complete', 'recovered', 'soft-declined', 'hard-declined', 'skipped', 'merged', 'cancelled', 'paused', 'review']);

export function timelineOf(order: OrderRow, payments: readonly ScheduledPaymentRow[], changes: readonly OutboxEntrySummary[]): TimelineItem[] {
  const items: TimelineItem[] = [];
  if (order.created_at) items.push({ key: 'created', at: order.created_at, text: `Order created (${humanize(order.status).toLowerCase()} now)` });
  const paymentIds = new Set(payments.map((p) => p.id));
  for (const change of changes) {
    const ours =
      (change.kind.startsWith('order.') && change.targetId === order.id) ||
      (change.kind === 'scheduledPayment.update' && paymentIds.has(change.targetId));
    if (ours) items.push({ key: `change-${change.seq}`, at: change.createdAt, text: `${change.summary}: ${CHANGE_STATE[change.state]}` });
  }
  for (const payment of payments) {
    if (!EVENTFUL.has(payment.status)) continue;
    items.push({
      key: `payment-${payment.id}`,
      at: payment.updated_at ?? payment.scheduled_at,
      text: `Payment of ${money(payment.amount, order.currency)} due ${date(payment.scheduled_at)}: ${humanize(payment.status).toLowerCase()}`,
    });
  }
  return items.sort((a, b) => b.at.localeCompare(a.at) || a.key.localeCompare(b.key));
}
