/**
 * The contract's plain names: every method, every event and the IPC channels made from them.
 * No schema library here, so the preload (which needs names only) stays a few kilobytes, and
 * contract.ts checks at compile time that its tables declare exactly these names.
 */

export const METHOD_NAMES = [
  'app.info',
  'app.preferences',
  'app.setPreferences',
  'updates.status',
  'updates.check',
  'updates.download',
  'updates.restart',
  'profiles.list',
  'profiles.add',
  'profiles.update',
  'profiles.remove',
  'profiles.testConnection',
  'profiles.setActive',
  'profiles.trySandbox',
  'profiles.checkCompatibility',
  'products.list',
  'products.get',
  'products.groups',
  'customers.list',
  'customers.get',
  'customers.create',
  'customers.update',
  'orders.list',
  'orders.statusCounts',
  'orders.exportCsv',
  'orders.get',
  'orders.create',
  'orders.cancel',
  'orders.pause',
  'orders.resume',
  'orders.renewCheckout',
  'payments.list',
  'payments.skip',
  'payments.reschedule',
  'payments.changeInterval',
  'dashboard.summary',
  'sync.now',
  'sync.status',
  'sync.budget',
  'sync.removals',
  'sync.decideRemoval',
  'outbox.list',
  'outbox.retry',
  'outbox.discard',
  'sync.history',
  'sync.readProblems',
] as const;
export type MethodName = (typeof METHOD_NAMES)[number];

export const EVENT_NAMES = [
  'profilesChanged',
  'connectivity',
  'dataRefreshed',
  'progress',
  'outboxChanged',
  'updateState',
  'notify',
  'openLink',
] as const;
export type EventName = (typeof EVENT_NAMES)[number];

/** IPC channel of a method; the only place channel names are made. */
export function channelOf(name: MethodName): string {
  return `billpro:${name}`;
}
export const EVENT_CHANNEL = 'billpro:event';

export function isMethodName(value: unknown): value is MethodName {
  return typeof value === 'string' && (METHOD_NAMES as readonly string[]).includes(value);
}

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && (EVENT_NAMES as readonly string[]).includes(value);
}
