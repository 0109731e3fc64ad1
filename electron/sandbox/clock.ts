/**
 * The passing of sandbox time: moving the clock collects (approves), in time order, every
 * billing event it passes — including subscription events created along the way, which is why
 * the queue is a heap rather than one sorted list.
 */
import { collectPayment, COLLECTING_STATUSES } from './lifecycle.ts';
import type { ScheduledPaymentRecord } from './records.ts';
import type { SandboxState } from './state.ts';

/** Earlier scheduled_at first (ISO strings of one format sort as times), then lower id. */
function earlier(a: ScheduledPaymentRecord, b: ScheduledPaymentRecord): boolean {
  return a.scheduled_at < b.scheduled_at || (a.scheduled_at === b.scheduled_at && a.id < b.id);
}

class PaymentHeap {
  private readonly items: ScheduledPaymentRecord[] = [];

  get size(): number {
    return this.items.length;
  }

  push(payment: ScheduledPaymentRecord): void {
    const items = this.items;
    items.push(payment);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!earlier(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): ScheduledPaymentRecord | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < items.length && earlier(items[left]!, items[smallest]!)) smallest = left;
        if (right < items.length && earlier(items[right]!, items[smallest]!)) smallest = right;
        if (smallest === i) break;
        [items[i], items[smallest]] = [items[smallest]!, items[i]!];
        i = smallest;
      }
    }
    return top;
  }
}

/** Moves the clock forward by `ms`; returns how many billing events were collected. */
export function advanceClock(state: SandboxState, ms: number): number {
  state.clock.advance(ms);
  const now = state.nowIso();
  const isDue = (payment: ScheduledPaymentRecord): boolean => {
    if (payment.status !== 'scheduled' || payment.scheduled_at > now) return false;
    const order = state.orders.get(payment.order_id);
    return order !== undefined && COLLECTING_STATUSES.has(order.status);
  };
  const queue = new PaymentHeap();
  for (const payment of state.scheduledPayments.values()) if (isDue(payment)) queue.push(payment);
  let collected = 0;
  while (queue.size > 0) {
    const payment = queue.pop()!;
    if (!isDue(payment)) continue; // an earlier collection settled or cancelled it
    const next = collectPayment(state, payment, 'approve');
    collected += 1;
    if (next && isDue(next)) queue.push(next);
  }
  return collected;
}
