/**
 * BillPro's enumerations as plain constants, free of any schema library, so the renderer can use
 * the same lists (filters, chips, pickers) without bundling zod. wire.ts builds its schemas on them.
 */
export const PURCHASE_TYPES = ['single_payment', 'instalment', 'subscription', 'metered'] as const;

export const DURATION_UNITS = ['DAY', 'WEEK', 'MONTH', 'YEAR'] as const;

export const ORDER_STATUSES = [
  'draft',
  'pending',
  'rejected',
  'active',
  'failed',
  'suspended',
  'paused',
  'review',
  'cancelled',
  'complete',
] as const;

export const SCHEDULED_PAYMENT_STATUSES = [
  'scheduled',
  'complete',
  'recovered',
  'soft-declined',
  'hard-declined',
  'skipped',
  'merged',
  'cancelled',
  'paused',
  'review',
] as const;

export const SETTABLE_SCHEDULED_PAYMENT_STATUSES = ['cancelled', 'skipped', 'scheduled'] as const;

export const ADDRESS_TYPES = ['billing', 'shipping'] as const;

/**
 * ASSUMPTION (billpro-api.md §5.9): the payment link's field name is a GAP. Desk reads the first
 * of these names that carries a link, so the link never vanishes because of its name.
 */
export const PAYMENT_LINK_FIELDS = ['payment_link', 'payment_url', 'payment_link_url', 'checkout_url', 'link'] as const;
