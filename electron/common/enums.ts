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
