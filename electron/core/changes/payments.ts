/**
 * Scheduled-payment changes (billpro-api.md §4): skip, reschedule and change the billing
 * interval are all one update. Activity names each by the button the person clicked.
 */
import { toMinorUnits } from '../../common/money.ts';
import { timestampMs } from '../../common/time.ts';
import { DeskError } from '../../common/errors.ts';
import { orderNameInSentence } from '../../common/names.ts';
import { ScheduledPaymentUpdate, type ScheduledPayment } from '../../common/wire.ts';
import type { Cache } from '../store/cache.ts';
import { editableField, leafPaths, type ChangeKind } from './change.ts';
import { requireRow } from './rows.ts';

/** Statuses BillPro lets a merchant change. */
const UPDATABLE = new Set(['scheduled', 'soft-declined', 'hard-declined', 'paused']);

function day(timestamp: string | undefined): string {
  return timestamp ? timestamp.slice(0, 10) : 'an unknown day';
}

/** Activity's line for an update, from what it sets: a skip, a reschedule or an interval. */
function label(update: ScheduledPaymentUpdate, targetId: number, cache: Cache): string {
  const payment = cache.get('scheduledPayments', targetId)?.entity;
  const order = payment ? cache.get('orders', payment.order_id)?.entity : undefined;
  const of = payment ? ` of ${orderNameInSentence({ id: payment.order_id, invoice_id: order?.invoice_id ?? null })}` : '';
  if (update.status === 'skipped') return `Skip payment due ${day(payment?.scheduled_at)}${of}`;
  if (update.scheduled_at) return `Reschedule payment${of} to ${day(update.scheduled_at)}`;
  if (update.scheduled_interval !== undefined || update.scheduled_duration_unit) {
    const every = update.scheduled_interval ?? payment?.scheduled_interval;
    const unit = update.scheduled_duration_unit ?? payment?.scheduled_duration_unit;
    const plural = every === 1 ? '' : 's';
    return `Change billing interval${of} to every ${every ?? '?'} ${(unit ?? 'period').toLowerCase()}${plural}`;
  }
  return `Change scheduled payment${of}`;
}

/** Whether BillPro's payment shows everything the update set. */
export function updateLanded(update: ScheduledPaymentUpdate, current: ScheduledPayment): boolean {
  if (update.status !== undefined && update.status !== current.status) return false;
  if (update.scheduled_at !== undefined && timestampMs(update.scheduled_at) !== timestampMs(current.scheduled_at)) return false;
  if (update.scheduled_interval !== undefined && update.scheduled_interval !== current.scheduled_interval) return false;
  if (update.scheduled_duration_unit !== undefined && update.scheduled_duration_unit !== current.scheduled_duration_unit) return false;
  if (update.amount !== undefined && toMinorUnits(update.amount) !== toMinorUnits(current.amount)) return false;
  return true;
}

export const paymentUpdate: ChangeKind<typeof ScheduledPaymentUpdate> = {
  payload: ScheduledPaymentUpdate,
  collection: 'scheduledPayments',
  create: false,
  naturalKey: () => null,
  label: ({ payload, targetId }, cache) => label(payload, targetId, cache),
  fields: (payload) => leafPaths(payload).map((p) => editableField(payload, p, 'omit')),
  send: (client, { payload, targetId }) => client.updateScheduledPayment(targetId, payload),
  lookup: async (client, cache, { payload, targetId }) => {
    const cached = cache.get('scheduledPayments', targetId);
    if (!cached) return { landed: null };
    const payments = await client.listScheduledPayments(cached.entity.order_id);
    const current = payments.find((p) => p.id === targetId);
    return { landed: current && updateLanded(payload, current) ? current : null };
  },
  landedCollections: ['scheduledPayments'],
};

/** An update to a cached payment: refused when its status or date does not allow it. */
export function planPaymentUpdate(cache: Cache, id: number, update: ScheduledPaymentUpdate) {
  const current = requireRow(cache, 'scheduledPayments', id);
  if (!UPDATABLE.has(current.entity.status)) {
    throw new DeskError('CONFLICT', `A ${current.entity.status} payment cannot be changed.`);
  }
  if (update.scheduled_at && timestampMs(update.scheduled_at) <= Date.now()) {
    throw new DeskError('VALIDATION', 'Pick a date in the future.', { fields: { scheduled_at: ['must be in the future'] } });
  }
  const entity = { ...current.entity, ...update, updated_at: new Date().toISOString() };
  return { entry: { kind: 'scheduledPayment.update' as const, payload: update, targetId: current.id }, entity };
}
