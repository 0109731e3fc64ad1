/**
 * The one Desk contract (DESIGN.md rule 2). Every method the renderer may call — its name, input
 * schema and output schema — and every event the Desk emits are declared here once. The IPC
 * handlers (ipc.ts), the preload bridge (preload.ts), the web host (web-host.ts) and the
 * renderer's client are all derived from these tables; no channel name is typed anywhere else.
 *
 * Inputs are parsed with these schemas in the main process (payloads arrive as `unknown`).
 * Outputs are produced by the Desk and typed by these schemas. Nothing here carries a token
 * back out: `ProfileSummary` has no token field, and `profiles.add` takes one only as input.
 */
import { z } from 'zod';
import { SerializedError } from './errors.ts';
import { ORDER_CSV_COLUMNS } from './order-csv.ts';
import type { EventName, MethodName } from './contract-names.ts';
import {
  Customer,
  CustomerInput,
  DurationUnit,
  OrderObject,
  OrderInput,
  OrderStatus,
  Product,
  PurchaseType,
  ScheduledPayment,
} from './wire.ts';
import { DeskNotification, DesktopPreferences, OpenLink, PreferencesChange, RestartAnswer, UpdateState } from './desktop.ts';

// ---------------------------------------------------------------- shared pieces

// Inputs are bounded everywhere (issue 12 finding 8): ids by range and alphabet, text by length,
// lists by count, dates by format, free-form payloads by serialized size.
export const ProfileId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'Not a profile id');
export const ENVIRONMENTS = ['production', 'staging', 'custom', 'sandbox'] as const;
export const Environment = z.enum(ENVIRONMENTS);
export type Environment = z.infer<typeof Environment>;

export { ENVIRONMENT_BASE_URLS } from './contract-constants.ts';

export const CONNECTIVITY_STATES = ['unknown', 'online', 'offline', 'unreachable', 'token_rejected'] as const;
export const Connectivity = z.enum(CONNECTIVITY_STATES);
export type Connectivity = z.infer<typeof Connectivity>;

/** What the renderer may know about a profile: never its token. */
export const ProfileSummary = z.object({
  id: ProfileId,
  name: z.string(),
  environment: Environment,
  baseUrl: z.string(),
  billproProfileId: z.number().int().positive().nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  connectivity: Connectivity,
  pendingChanges: z.number().int().nonnegative(),
});
export type ProfileSummary = z.infer<typeof ProfileSummary>;

export const ProfilesState = z.object({
  profiles: z.array(ProfileSummary),
  activeId: ProfileId.nullable(),
  /**
   * Grows with every state the Desk hands out (it starts at the Desk's start time in ms), so a
   * window that gets answers and events over two channels keeps the newest and drops a late older
   * one: after two quick switches the last one clicked always wins.
   */
  revision: z.number().int().nonnegative(),
});
export type ProfilesState = z.infer<typeof ProfilesState>;

/** Host names that never leave this computer: the only ones a token may reach over plain http. */
export function isLoopbackHostname(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/** Why a BillPro base URL cannot carry a token, or null when it can. */
export function baseUrlProblem(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'Enter a full URL, like https://app.bill.pro/api/v1';
  }
  if (url.protocol === 'https:') return url.username || url.password ? 'The URL cannot carry a user name or password.' : null;
  if (url.protocol !== 'http:') return 'The URL must start with https://';
  if (!isLoopbackHostname(url.hostname)) {
    return 'Plain http:// would send the API token unencrypted: use https:// (http:// is allowed only for a server on this computer, like http://127.0.0.1).';
  }
  return url.username || url.password ? 'The URL cannot carry a user name or password.' : null;
}

const BaseUrl = z
  .string()
  .trim()
  .max(2048, 'That URL is too long')
  .superRefine((u, ctx) => {
    const problem = baseUrlProblem(u);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const ApiToken = z
  .string()
  .trim()
  .min(8, 'The API token looks too short: copy it again from BillPro → Users → User Details')
  .max(512)
  .refine((t) => !/\s/.test(t), 'The API token cannot contain spaces');

const BillProProfileNumber = z.number().int().positive().nullable();

/** Connection details typed by a person: the only place a token enters the Desk. */
export const ConnectionInput = z.object({
  environment: z.enum(['production', 'staging', 'custom']),
  baseUrl: BaseUrl.optional(),
  token: ApiToken,
  billproProfileId: BillProProfileNumber.optional(),
});
export type ConnectionInput = z.infer<typeof ConnectionInput>;

export const ConnectionTestResult = z.object({
  ok: z.literal(true),
  productsOnFirstPage: z.number().int().nonnegative(),
});

/** Rows as the Desk returns them: BillPro's entity plus what only this device knows. */
const LocalMarks = {
  /** Changes waiting in the outbox for this row. */
  pending: z.number().int().nonnegative(),
  /** True for a row created offline that BillPro has not confirmed yet (its id is temporary). */
  localOnly: z.boolean(),
};
const LocalId = z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER); // temporary ids are negative
const OutboxSeq = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
/** A day (YYYY-MM-DD) or an instant (ISO 8601 with a zone): what the date filters send. */
const DateBound = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);
const MAX_PAYLOAD_BYTES = 64 * 1024;
/** An edited outbox payload: any JSON the outbox's own schema then checks, up to 64 KiB. */
const EditedPayload = z.unknown().refine((value) => {
  try {
    return (JSON.stringify(value) ?? '').length <= MAX_PAYLOAD_BYTES;
  } catch {
    return false;
  }
}, 'The edited change is too large.');
export const ProductRow = Product.extend({ ...LocalMarks });
export const CustomerRow = Customer.extend({ id: LocalId, ...LocalMarks });
export const OrderRow = OrderObject.extend({
  id: LocalId,
  customer_id: LocalId,
  /** The customer's name from this device's copy, so a list needs no call per row. */
  customer_name: z.string().nullable(),
  ...LocalMarks,
});
export const ScheduledPaymentRow = ScheduledPayment.extend({ order_id: LocalId, ...LocalMarks });
export type ProductRow = z.output<typeof ProductRow>;
export type CustomerRow = z.output<typeof CustomerRow>;
export type OrderRow = z.output<typeof OrderRow>;
export type ScheduledPaymentRow = z.output<typeof ScheduledPaymentRow>;

const SortDirection = z.enum(['asc', 'desc']);
const Paging = {
  offset: z.number().int().nonnegative().max(10_000_000).default(0),
  limit: z.number().int().positive().max(1000).default(100),
  search: z.string().max(200).optional(),
};

function page<T extends z.ZodType>(row: T) {
  return z.object({
    rows: z.array(row),
    total: z.number().int().nonnegative(),
    syncedAt: z.string().nullable(),
  });
}

const ProfileScoped = { profileId: ProfileId };

const MAX_BODY_BYTES = 64 * 1024;
/**
 * A BillPro request body no bigger than 64 KiB once serialized: a backstop under the per-field
 * lengths of wire.ts, so no path (IPC has no body limit of its own) queues megabytes.
 */
function bounded<T extends z.ZodType>(schema: T) {
  return schema.refine((value) => {
    try {
      return (JSON.stringify(value) ?? '').length <= MAX_BODY_BYTES;
    } catch {
      return false;
    }
  }, 'This is too much text for BillPro: shorten the longest field.');
}
const EntityRef = z.object({ ...ProfileScoped, id: LocalId });

/** What narrows and orders the Orders list (shared by the list, its chip counts and its export). */
const OrderQuery = {
  ...ProfileScoped,
  search: z.string().max(200).optional(),
  status: z.array(OrderStatus).max(20).optional(),
  type: PurchaseType.optional(),
  customerId: LocalId.optional(),
  createdFrom: DateBound.optional(),
  createdTo: DateBound.optional(),
  sort: z.object({ by: z.enum(['created_at', 'invoice_id', 'status', 'total', 'id']), dir: SortDirection }).optional(),
};

// ---------------------------------------------------------------- reading what BillPro sends

/** A record BillPro sent that Desk could not read: where, what failed, its shape (no values). */
export const ReadProblemItem = z.object({
  endpoint: z.string(),
  subject: z.string(),
  /** Position in the page (0-based), or null for a single record. */
  index: z.number().int().nullable(),
  /** The record's id when readable: its cached copy is kept. */
  id: z.number().int().nullable(),
  issues: z.array(z.string()),
  assumptions: z.array(z.string()),
  /** Keys and types as JSON, never values. */
  shape: z.string(),
  count: z.number().int().positive(),
  lastSeen: z.string(),
});
export type ReadProblemItem = z.output<typeof ReadProblemItem>;

export const COMPATIBILITY_STATES = ['held', 'not_held', 'not_checked'] as const;

export const CompatibilityResult = z.object({
  id: z.string(),
  assumed: z.string(),
  source: z.string(),
  basis: z.enum(['documented', 'inferred']),
  where: z.string(),
  state: z.enum(COMPATIBILITY_STATES),
  detail: z.string(),
  runtimeFailures: z.number().int().nonnegative(),
});
export type CompatibilityResult = z.output<typeof CompatibilityResult>;

// ---------------------------------------------------------------- sync and outbox

export const OUTBOX_STATES = ['pending', 'sending', 'unknown', 'done', 'failed', 'conflict', 'discarded'] as const;

/**
 * One field of a stored change that a person may correct in Activity before sending it again.
 * The Desk says which fields each kind of change offers (core/changes/); the renderer only shows
 * them and writes the edits back at `path`.
 */
export const EditableField = z.object({
  /** Dotted path inside the payload, e.g. `order.order_products.0.qty`. */
  key: z.string(),
  path: z.array(z.union([z.string(), z.number().int().nonnegative()])),
  label: z.string(),
  hint: z.string().nullable(),
  /** The stored value as text ('' when absent or null). */
  value: z.string(),
  /** Numbers stay numbers when the edit is a number. */
  numeric: z.boolean(),
  /** What an emptied field becomes: left out, null, or an empty string (BillPro then says it is required). */
  whenEmpty: z.enum(['omit', 'null', 'blank']),
});
export type EditableField = z.output<typeof EditableField>;

export const OutboxEntrySummary = z.object({
  seq: z.number().int(),
  kind: z.string(),
  /**
   * One line in the words of the action the person clicked, e.g. "Create customer
   * dana@example.com", "Mark order INV-2041 as complete", "Skip payment due 2026-12-01 of order 99620".
   */
  summary: z.string(),
  /** The fields "Edit and retry" offers (empty: the change has nothing to edit). */
  fields: z.array(EditableField),
  state: z.enum(OUTBOX_STATES),
  targetId: z.number().int(),
  attempts: z.number().int(),
  lastError: SerializedError.nullable(),
  payload: z.unknown(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type OutboxEntrySummary = z.output<typeof OutboxEntrySummary>;

export const SyncHistoryItem = z.object({
  id: z.number().int(),
  collection: z.string(),
  full: z.boolean(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  pages: z.number().int(),
  rows: z.number().int(),
  error: z.string().nullable(),
});

export const SyncStatus = z.object({
  connectivity: Connectivity,
  detail: z.string().nullable(),
  syncing: z.boolean(),
  lastSyncedAt: z.string().nullable(),
  pending: z.number().int(),
  needsAttention: z.number().int(),
});
export type SyncStatus = z.output<typeof SyncStatus>;


// ---------------------------------------------------------------- methods

function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, summary: string) {
  return { input, output, summary };
}

const Ok = z.object({ ok: z.literal(true) });

/** How hard the Desk leans on this profile's BillPro (electron/core/sync/budget.ts). */
export const SyncBudget = z.object({
  perMinute: z.number().int().positive(),
  learnedPerMinute: z.number().int().positive().nullable(),
  usedLastMinute: z.number().int().nonnegative(),
  concurrency: z.number().int().positive(),
  maxConcurrency: z.number().int().positive(),
  pausedUntil: z.string().nullable(),
  rateLimited: z.number().int().nonnegative(),
  serverErrors: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  /** The sync tiers, in seconds. */
  tiers: z.object({
    newRecordsEverySeconds: z.number().nonnegative(),
    productsEverySeconds: z.number().nonnegative(),
    liveOrdersEverySeconds: z.number().nonnegative(),
    paymentsDueEverySeconds: z.number().nonnegative(),
    fullEverySeconds: z.number().nonnegative(),
    probeAfterSilenceSeconds: z.number().nonnegative(),
  }),
  lastFullAt: z.string().nullable(),
});
export type SyncBudget = z.infer<typeof SyncBudget>;

export const REMOVABLE_COLLECTIONS = ['products', 'customers', 'orders'] as const;

/** Rows a full sync found BillPro no longer lists, too many to remove without the operator. */
export const PendingRemovalSummary = z.object({
  collection: z.enum(REMOVABLE_COLLECTIONS),
  count: z.number().int().nonnegative(),
  cached: z.number().int().nonnegative(),
  listed: z.number().int().nonnegative(),
  /** Up to 20 of the ids, for the operator to look at. */
  sampleIds: z.array(z.number().int()),
  reason: z.string(),
  detectedAt: z.string(),
});
export type PendingRemovalSummary = z.infer<typeof PendingRemovalSummary>;

export const methods = {
  'app.info': method(
    z.object({}),
    z.object({
      name: z.string(),
      version: z.string(),
      mode: z.enum(['electron', 'web']),
      platform: z.string(),
    }),
    'Name, version and how the console is running.',
  ),
  'app.preferences': method(z.object({}), DesktopPreferences, 'Update mode and the notification switch.'),
  'app.setPreferences': method(
    PreferencesChange,
    DesktopPreferences,
    'Change the update mode or switch notifications on or off.',
  ),
  'updates.status': method(z.object({}), UpdateState, 'Where the desktop app stands with updates.'),
  'updates.check': method(z.object({}), UpdateState, 'Check the update feed now (downloads only in automatic mode).'),
  'updates.download': method(z.object({}), UpdateState, 'Download the update on offer, in the background.'),
  'updates.restart': method(
    z.object({ confirmUnsent: z.boolean().default(false) }),
    RestartAnswer,
    'Restart into the downloaded update; refused until confirmed while changes have not reached BillPro.',
  ),

  'profiles.list': method(z.object({}), ProfilesState, 'Every profile (no tokens) and the active one.'),
  'profiles.add': method(
    ConnectionInput.extend({ name: z.string().trim().min(1, 'Give the profile a name').max(80) }),
    ProfileSummary,
    'Test the connection, store the token in the keychain and add the profile.',
  ),
  'profiles.update': method(
    z.object({
      id: ProfileId,
      name: z.string().trim().min(1).max(80).optional(),
      connection: ConnectionInput.partial({ token: true }).optional(),
    }),
    ProfileSummary,
    'Rename a profile or change its connection; a new token replaces the one in the keychain.',
  ),
  'profiles.remove': method(
    z.object({ id: ProfileId }),
    ProfilesState,
    'Remove a profile, its keychain entries and its local data.',
  ),
  'profiles.testConnection': method(
    z.union([z.object({ id: ProfileId }), ConnectionInput]),
    ConnectionTestResult,
    'Call BillPro with a saved profile or with connection details not saved yet.',
  ),
  'profiles.setActive': method(z.object({ id: ProfileId }), ProfilesState, 'Switch to a profile.'),
  'profiles.trySandbox': method(
    z.object({}),
    ProfilesState,
    'Start the built-in BillPro sandbox and add (or reuse) its profile, then make it active.',
  ),
  'profiles.checkCompatibility': method(
    z.object({ ...ProfileScoped }),
    z.object({ ranAt: z.string(), results: z.array(CompatibilityResult), report: z.string() }),
    "Read-only calls to BillPro; each of Desk's assumptions held, not held or not checked, with a report for BillPro support.",
  ),

  'products.list': method(
    z.object({
      ...ProfileScoped,
      ...Paging,
      type: PurchaseType.optional(),
      status: z.string().max(40).optional(),
      group: z.string().max(120).optional(),
      sort: z.object({ by: z.enum(['name', 'product_id', 'price', 'product_type', 'created_at']), dir: SortDirection }).optional(),
    }),
    page(ProductRow),
    'Products from the cache, filtered and searched.',
  ),
  'products.get': method(EntityRef, ProductRow, 'One product.'),
  'products.groups': method(
    z.object({ ...ProfileScoped }),
    z.object({ groups: z.array(z.string()) }),
    'The product groups in the cache, for filtering.',
  ),

  'customers.list': method(
    z.object({
      ...ProfileScoped,
      ...Paging,
      sort: z.object({ by: z.enum(['name', 'email', 'customer_id', 'created_at']), dir: SortDirection }).optional(),
    }),
    page(CustomerRow),
    'Customers from the cache.',
  ),
  'customers.get': method(EntityRef, CustomerRow, 'One customer.'),
  'customers.create': method(
    z.object({ ...ProfileScoped, customer: bounded(CustomerInput) }),
    CustomerRow,
    'Create a customer (queued when offline).',
  ),
  'customers.update': method(
    z.object({ ...ProfileScoped, id: LocalId, customer: bounded(CustomerInput) }),
    CustomerRow,
    'Update a customer; the addresses sent replace the stored ones.',
  ),

  'orders.list': method(z.object({ ...OrderQuery, ...Paging }), page(OrderRow), 'Orders from the cache.'),
  'orders.statusCounts': method(
    z.object({ ...OrderQuery, status: z.undefined().optional(), sort: z.undefined().optional() }),
    z.object({ counts: z.array(z.object({ status: OrderStatus, count: z.number().int().nonnegative() })) }),
    'How many cached orders of each status match the other filters and the search (for the status chips).',
  ),
  'orders.exportCsv': method(
    z.object({ ...OrderQuery, columns: z.array(z.enum(ORDER_CSV_COLUMNS)).min(1).max(ORDER_CSV_COLUMNS.length) }),
    z.object({ csv: z.string(), rows: z.number().int().nonnegative() }),
    'The filtered orders as CSV (RFC 4180), in list order, with the chosen columns.',
  ),
  'orders.get': method(EntityRef, OrderRow, 'One order.'),
  'orders.create': method(
    z.object({ ...ProfileScoped, purchaseType: PurchaseType, order: bounded(OrderInput.extend({ customer_id: LocalId })) }),
    OrderRow,
    'Create an order of one purchase type (queued when offline).',
  ),
  'orders.cancel': method(EntityRef, OrderRow, 'Cancel a preliminary order or complete a live one.'),
  'orders.pause': method(EntityRef, OrderRow, 'Pause an active subscription.'),
  'orders.resume': method(EntityRef, OrderRow, 'Resume a paused subscription.'),
  'orders.renewCheckout': method(EntityRef, OrderRow, 'Renew the custom checkout (CardCorp merchants).'),

  'payments.list': method(
    z.object({ ...ProfileScoped, orderId: LocalId }),
    z.object({ rows: z.array(ScheduledPaymentRow), syncedAt: z.string().nullable() }),
    "An order's scheduled payments.",
  ),
  'payments.skip': method(EntityRef, ScheduledPaymentRow, 'Skip a scheduled payment.'),
  'payments.reschedule': method(
    z.object({ ...ProfileScoped, id: LocalId, scheduledAt: z.iso.datetime() }),
    ScheduledPaymentRow,
    'Move a scheduled (or declined) payment to a new future date.',
  ),
  'payments.changeInterval': method(
    z.object({
      ...ProfileScoped,
      id: LocalId,
      interval: z.number().int().positive().max(365),
      unit: DurationUnit,
    }),
    ScheduledPaymentRow,
    "Change a subscription's billing cycle from this payment on.",
  ),

  'dashboard.summary': method(
    z.object({ ...ProfileScoped, months: z.number().int().min(1).max(36).default(12), days: z.number().int().min(1).max(90).default(30) }),
    z.object({
      ordersByStatus: z.array(z.object({ status: z.string(), count: z.number().int() })),
      valueByMonth: z.array(
        z.object({
          month: z.string(),
          currency: z.string(),
          amount: z.string(),
          orders: z.number().int(),
          /** Orders BillPro gave no total for: counted in `orders`, not in `amount` (never guessed). */
          withoutTotal: z.number().int().nonnegative(),
        }),
      ),
      paymentsDue: z.array(z.object({ date: z.string(), currency: z.string(), count: z.number().int(), amount: z.string() })),
      totals: z.object({ orders: z.number().int(), customers: z.number().int(), products: z.number().int() }),
      syncedAt: z.string().nullable(),
    }),
    'Figures for the dashboard, from the cache.',
  ),
  'sync.now': method(z.object({ ...ProfileScoped }), Ok, 'Pull fresh data and push the outbox now.'),
  'sync.status': method(z.object({ ...ProfileScoped }), SyncStatus, 'Connectivity, last sync and the outbox counts.'),
  'sync.budget': method(z.object({ ...ProfileScoped }), SyncBudget, "The profile's request budget and sync tiers."),
  'sync.removals': method(
    z.object({ ...ProfileScoped }),
    z.object({ removals: z.array(PendingRemovalSummary) }),
    'Removals waiting for the operator: rows BillPro no longer lists, more than 10 % of a list.',
  ),
  'sync.decideRemoval': method(
    z.object({ ...ProfileScoped, collection: z.enum(REMOVABLE_COLLECTIONS), confirm: z.boolean() }),
    z.object({ removed: z.number().int().nonnegative() }),
    'Remove the rows of a pending removal (confirm) or keep them (decline).',
  ),
  'outbox.list': method(
    z.object({ ...ProfileScoped, states: z.array(z.enum(OUTBOX_STATES)).max(OUTBOX_STATES.length).optional(), limit: z.number().int().positive().max(500).default(200) }),
    z.object({ entries: z.array(OutboxEntrySummary) }),
    'Changes made here and what became of them.',
  ),
  'outbox.retry': method(
    z.object({ ...ProfileScoped, seq: OutboxSeq, payload: EditedPayload.optional() }),
    OutboxEntrySummary,
    'Send a failed change again, optionally edited.',
  ),
  'outbox.discard': method(
    z.object({ ...ProfileScoped, seq: OutboxSeq }),
    OutboxEntrySummary,
    "Give up on a change; BillPro's version of the row comes back on the next sync.",
  ),
  'sync.history': method(
    z.object({ ...ProfileScoped, limit: z.number().int().positive().max(500).default(50) }),
    z.object({ entries: z.array(SyncHistoryItem) }),
    'Recent pulls, with their outcome.',
  ),
  'sync.readProblems': method(
    z.object({ ...ProfileScoped }),
    z.object({
      problems: z.array(ReadProblemItem),
      counts: z.array(z.object({ assumption: z.string(), count: z.number().int().positive() })),
    }),
    'Records BillPro sent that Desk could not read (set aside, cached copy kept), since Desk started.',
  ),
} as const;

export type Methods = typeof methods;
export { METHOD_NAMES, EVENT_NAMES, EVENT_CHANNEL, channelOf, isMethodName, isEventName } from './contract-names.ts';
export type { MethodName, EventName } from './contract-names.ts';
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;

// ---------------------------------------------------------------- events

export const SYNC_COLLECTIONS = ['products', 'customers', 'orders', 'scheduled_payments'] as const;
export const SyncCollection = z.enum(SYNC_COLLECTIONS);

export const events = {
  /** The profile list or the active profile changed: every per-profile store resets. */
  profilesChanged: ProfilesState,
  connectivity: z.object({ profileId: ProfileId, state: Connectivity, detail: z.string().nullable() }),
  /** Fresher rows landed in the cache. */
  dataRefreshed: z.object({ profileId: ProfileId, collections: z.array(SyncCollection) }),
  /** Long work in progress (sync). `total` is null while unknown. */
  progress: z.object({
    profileId: ProfileId,
    task: z.enum(['sync']),
    collection: SyncCollection.nullable(),
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative().nullable(),
    /** Seconds left at the current pace, when `total` is known. */
    etaSeconds: z.number().int().nonnegative().nullable().optional(),
    finished: z.boolean(),
  }),
  /** `pending`: changes that will go out by themselves; `needsAttention`: failed or conflicting ones. */
  outboxChanged: z.object({ profileId: ProfileId, pending: z.number().int(), needsAttention: z.number().int() }),
  /** The desktop app's update state changed (checking, progress, ready to restart …). */
  updateState: UpdateState,
  /** Something needs the operator (a refused change, a profile long unsynced); browser mode shows it. */
  notify: DeskNotification,
  /** Open a record: a billpro-desk:// link or a clicked notification, already checked by the Desk. */
  openLink: OpenLink,
} as const;

export type Events = typeof events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

// ---------------------------------------------------------------- transport

export { SerializedError } from './errors.ts';

/** Every call answers with a Result, so error codes and field messages survive IPC intact. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: SerializedError };


export interface EventEnvelope<E extends EventName = EventName> {
  event: E;
  payload: EventPayload<E>;
}

/** What the renderer sees as `window.billpro` (Electron) or the web-host client (browser). */
export interface DeskBridge {
  call<M extends MethodName>(name: M, input: MethodInput<M>): Promise<Result<MethodOutput<M>>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

// The tables declare exactly the names in contract-names.ts: a missing or extra entry fails to compile.
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _methodNamesMatch: Exactly<keyof typeof methods, MethodName> = true;
const _eventNamesMatch: Exactly<keyof typeof events, EventName> = true;
void _methodNamesMatch;
void _eventNamesMatch;

/**
 * The object the preload exposes as `window.billpro`: one function per contract method (actions,
 * not a pipe that forwards any channel name), and a subscription to contract events only.
 */
export type PreloadApi = {
  readonly methods: { readonly [M in MethodName]: (input: MethodInput<M>) => Promise<Result<MethodOutput<M>>> };
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};
