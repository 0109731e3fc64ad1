/**
 * Which manage actions an order's status allows (billpro-api.md §2.5/§4.1) and what each one
 * will do, in words the confirm dialog shows before anything is sent.
 */
import type { OrderRow } from '../../../../electron/common/contract.ts';
import { orderNameInSentence } from '../../../../electron/common/names.ts';

export type OrderAction = 'cancel' | 'complete' | 'pause' | 'resume' | 'renewCheckout';

const PRELIMINARY: readonly string[] = ['draft', 'pending', 'rejected'];
const LIVE: readonly string[] = ['active', 'failed', 'suspended', 'paused', 'review'];

export const ACTION_METHOD = {
  cancel: 'orders.cancel',
  complete: 'orders.cancel', // BillPro's cancel call completes a live order
  pause: 'orders.pause',
  resume: 'orders.resume',
  renewCheckout: 'orders.renewCheckout',
} as const satisfies Record<OrderAction, string>;

export function actionsFor(order: OrderRow): OrderAction[] {
  const actions: OrderAction[] = [];
  if (order.order_type === 'subscription' && order.status === 'active') actions.push('pause');
  if (order.status === 'paused') actions.push('resume');
  // BillPro renews a checkout only while the order still awaits its first payment.
  if (order.checkout_id && PRELIMINARY.includes(order.status)) actions.push('renewCheckout');
  if (PRELIMINARY.includes(order.status)) actions.push('cancel');
  if (LIVE.includes(order.status)) actions.push('complete');
  return actions;
}

export const ACTION_LABEL: Record<OrderAction, string> = {
  cancel: 'Cancel order',
  complete: 'Mark as complete',
  pause: 'Pause subscription',
  resume: 'Resume subscription',
  renewCheckout: 'Renew checkout',
};

export function actionTitle(action: OrderAction, order: OrderRow): string {
  const name = orderNameInSentence(order);
  switch (action) {
    case 'cancel':
      return `Cancel ${name}?`;
    case 'complete':
      return `Mark ${name} as complete?`;
    case 'pause':
      return `Pause ${name}?`;
    case 'resume':
      return `Resume ${name}?`;
    case 'renewCheckout':
      return `Renew the checkout of ${name}?`;
  }
}

export function actionConsequence(action: OrderAction, order: OrderRow): string {
  switch (action) {
    case 'cancel':
      return `The order becomes Cancelled: the customer can no longer pay it and BillPro stops its payment reminders. This cannot be undone.`;
    case 'complete':
      return `No further payments will be collected; refunds stay possible in BillPro. Its uncollected scheduled payments are cancelled. ${
        order.status === 'failed' || order.status === 'suspended' ? 'The outstanding declined payments will not be collected either. ' : ''
      }This cannot be undone.`;
    case 'pause':
      return 'No payments are collected until you resume it; its scheduled payments are paused.';
    case 'resume':
      return 'The subscription becomes active again (or failed, if its last payment was declined) and BillPro collects the next payment on schedule.';
    case 'renewCheckout':
      return 'BillPro issues a new checkout ID for the payment form, valid for 25 minutes. The current one stops working.';
  }
}
