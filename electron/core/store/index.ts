/**
 * A profile's local store: encrypted cache + durable outbox + sync history (DESIGN.md "Data").
 */
export { openStore, Store, type StoreOptions, type TempIdRewrite } from './store.ts';
export { StoreOpenError, type StoreOpenFailure } from './database.ts';
export {
  COLLECTIONS,
  TABLES,
  SORT_FIELDS,
  type Collection,
  type EntityMap,
  type FilterMap,
  type ProductFilter,
  type CustomerFilter,
  type OrderFilter,
  type ScheduledPaymentFilter,
  type TimeRange,
  type SortField,
  type SortDirection,
} from './collections.ts';
export type { Cache } from './cache.ts';
export type {
  CachedRow,
  InvalidRow,
  ListQuery,
  ListResult,
  UpsertOptions,
  UpsertResult,
  SyncState,
  StaleRow,
} from './cache.ts';
export {
  OUTBOX_STATES,
  type OutboxState,
  type OutboxEntry,
  type NewOutboxEntry,
  type OutboxError,
  type OutboxListQuery,
  type OutboxCounts,
  type OpenRecovery,
  type JsonValue,
} from './outbox.ts';
export { OUTBOX_KINDS, targetCollection, isCreate, type OutboxKind, type OutboxPayloadMap } from '../changes/index.ts';
export type { SyncHistoryEntry } from './sync-log.ts';
export { toFtsQuery } from './fts.ts';
export type { DashboardSummary } from './summary.ts';
