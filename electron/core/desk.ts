/**
 * The Desk: the façade every contract method lands on, the same in Electron (ipc.ts) and in the
 * browser mode (web-host.ts). It owns the profile registry and the keychain, and one
 * ProfileSession (client + cache + sync) per profile in use.
 *
 * `dispatch` parses the raw input with the contract's schema, runs the method and answers a
 * Result; it never throws, and no error it returns carries a token.
 */
import type { z } from 'zod';
import {
  ENVIRONMENT_BASE_URLS,
  methods,
  type ConnectionInput,
  type Environment,
  type EventEnvelope,
  type EventName,
  type EventPayload,
  type MethodName,
  type MethodOutput,
  type Methods,
  type ProfileSummary,
  type ProfilesState,
  type Result,
} from '../common/contract.ts';
import { isStreamName, type StreamName, type StreamOpening } from '../common/streams.ts';
import { BillProClient, type BillProConnection } from './billpro/index.ts';
import { DeskError, isDeskError, serializeError } from '../common/errors.ts';
import { fieldErrorsOf } from '../common/issues.ts';
import { describeError, openLog, type DeskLog } from './log.ts';
import { ProfileRegistry, type StoredProfile } from './profiles.ts';
import { cacheKeyAccount, tokenAccount, type SecretStore } from './secrets.ts';
import { ProfileSession, type SessionTuning } from './session.ts';
import type { DeskNotification, DesktopPreferences, UpdateState } from '../common/desktop.ts';
import { parseDeepLink, type LinkParse } from '../common/deep-link.ts';
import { Preferences } from './preferences.ts';
import { NotificationPlanner, STALE_AFTER_MS } from './notifications.ts';
import type { UpdateController } from './update/controller.ts';
import { buildDiagnostics, describeBaseUrl } from './diagnostics/diagnostics.ts';

export interface DeskOptions {
  dataDir: string;
  secrets: SecretStore;
  mode: 'electron' | 'web';
  version: string;
  platform: string;
  /** Tunables for tests and benchmarks; the app uses the defaults. */
  tuning?: SessionTuning & DesktopTuning;
  /**
   * BillPros the app starts itself, by environment: the entry points hand in the built-in
   * sandbox as `sandbox`. A profile of such an environment gets its address and token from the
   * launcher each launch; without one, "Try the sandbox" says it is not available.
   */
  launchers?: Partial<Record<Environment, BillProLauncher>>;
}

/** A BillPro started on demand (on a new loopback port each launch), e.g. the built-in sandbox. */
export interface BillProLauncher {
  /** Starts it once (later calls answer the same one) and says where it listens and its token. */
  start(): Promise<{ baseUrl: string; token: string }>;
  stop(): Promise<void>;
}

/** Timings of the Desk's own desktop duties (tests shorten them). */
export interface DesktopTuning {
  /** How often open profiles are checked for a long time without sync (notifications). */
  staleCheckMs?: number;
  staleAfterMs?: number;
  /** Wait before looking at refused changes, so one refused while its form waits is not notified. */
  notifyDelayMs?: number;
}

type Input<M extends MethodName> = z.output<Methods[M]['input']>;
type Handlers = { [M in MethodName]: (input: Input<M>) => Promise<MethodOutput<M>> };

export class Desk {
  private readonly listeners = new Set<(envelope: EventEnvelope) => void>();
  private readonly sessions = new Map<string, Promise<ProfileSession>>();
  /** `<dataDir>/logs/desk.log`: the details an error to the renderer leaves out. */
  readonly log: DeskLog;
  private closed = false;
  /** See ProfilesState.revision: a restarted Desk starts above every revision it handed out before. */
  private profilesRevision = Date.now();
  private updater: UpdateController | null = null;
  private readonly planner: NotificationPlanner;
  private readonly staleTimer: NodeJS.Timeout;
  private readonly refusedChecks = new Map<string, NodeJS.Timeout>();

  private constructor(
    private readonly options: DeskOptions,
    private readonly registry: ProfileRegistry,
    private readonly preferences: Preferences,
    readonly startupProblem: string | null,
  ) {
    this.log = openLog(options.dataDir);
    this.planner = new NotificationPlanner(options.tuning?.staleAfterMs ?? STALE_AFTER_MS);
    this.staleTimer = setInterval(() => void this.checkStale(), options.tuning?.staleCheckMs ?? 10 * 60_000);
    this.staleTimer.unref();
  }

  static async create(options: DeskOptions): Promise<Desk> {
    const { registry, problem } = await ProfileRegistry.open(options.dataDir);
    const preferences = await Preferences.open(options.dataDir);
    const desk = new Desk(options, registry, preferences, problem);
    // Stays logged in: reopen the last profile with its cache, asking for nothing.
    const activeId = registry.activeId;
    if (activeId) void desk.session(activeId).catch(() => undefined);
    return desk;
  }

  // ---------------------------------------------------------------- transport-facing

  async dispatch(name: MethodName, input: unknown): Promise<Result<unknown>> {
    const spec = methods[name];
    if (!spec) return failure(new DeskError('BAD_INPUT', `Unknown Desk method ${String(name)}.`));
    const parsed = spec.input.safeParse(input ?? {});
    if (!parsed.success) {
      const fields = fieldErrorsOf(parsed.error.issues);
      return failure(new DeskError('BAD_INPUT', 'Some values are missing or not valid.', { fields }));
    }
    try {
      const handler = this.handlers[name] as (value: unknown) => Promise<unknown>;
      return { ok: true, value: await handler(parsed.data) };
    } catch (error) {
      // The person gets a code and a sentence; the log gets the cause chain (paths, library text).
      const serialized = serializeError(error);
      this.log.error('call.failed', { method: name, code: serialized.code, status: serialized.status, detail: describeError(error) });
      return { ok: false, error: serialized };
    }
  }

  /**
   * A streamed answer (common/streams.ts): the input parsed with the contract's schema of the
   * method of the same name, refusals as the contract's error. On success the row count is known
   * and `chunks` gives the text in order; stopping early (`return()` or the signal) drops the
   * export's snapshot. One entry point for the web host and the Electron shell.
   */
  async openStream(name: StreamName, input: unknown, signal?: AbortSignal): Promise<StreamOpening> {
    const refused = (error: DeskError): StreamOpening => ({ ok: false, error: serializeError(error) });
    if (!isStreamName(name)) return refused(new DeskError('BAD_INPUT', `Unknown Desk stream ${String(name)}.`));
    const parsed = methods[name].input.safeParse(input ?? {});
    if (!parsed.success) {
      const fields = fieldErrorsOf(parsed.error.issues);
      return refused(new DeskError('BAD_INPUT', 'Some values are missing or not valid.', { fields }));
    }
    const log = (error: unknown) => {
      const serialized = serializeError(error);
      this.log.error('stream.failed', { method: name, code: serialized.code, status: serialized.status, detail: describeError(error) });
      return serialized;
    };
    try {
      let rows = 0;
      const session = await this.session(parsed.data.profileId);
      const source = session.reads.streamOrdersCsv(parsed.data, (count) => (rows = count), signal);
      // The first piece (the header) comes once the snapshot is taken: the row count is known then.
      const first = await source.next();
      const header = first.done ? '' : first.value;
      async function* chunks(): AsyncGenerator<string, void, undefined> {
        try {
          if (header) yield header;
          for (;;) {
            const next = await source.next();
            if (next.done) return;
            yield next.value;
          }
        } catch (error) {
          const serialized = log(error);
          throw new DeskError(serialized.code, serialized.message);
        } finally {
          await source.return(undefined);
        }
      }
      return { ok: true, rows, chunks: chunks(), close: async () => void (await source.return(undefined)) };
    } catch (error) {
      return { ok: false, error: log(error) };
    }
  }

  onEvent(listener: (envelope: EventEnvelope) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.staleTimer);
    for (const timer of this.refusedChecks.values()) clearTimeout(timer);
    this.updater?.stop();
    const sessions = await Promise.allSettled(this.sessions.values());
    for (const s of sessions) if (s.status === 'fulfilled') await s.value.close();
    this.sessions.clear();
    await Promise.allSettled(Object.values(this.options.launchers ?? {}).map((launcher) => launcher.stop()));
  }

  // ---------------------------------------------------------------- desktop (shell-facing)

  get desktopPreferences(): DesktopPreferences {
    return this.preferences.value;
  }

  /** The desktop shell hands over its update loop; browser mode never does. */
  attachUpdater(updater: UpdateController): void {
    this.updater = updater;
    updater.setMode(this.preferences.value.updates);
  }

  /** Notifications only (the desktop shell shows them as system notifications). */
  onNotification(listener: (note: DeskNotification) => void): () => void {
    return this.onEvent((envelope) => {
      if (envelope.event === 'notify') listener(envelope.payload as EventPayload<'notify'>);
    });
  }

  /** The update loop's state changes reach the page as `updateState` events. */
  publishUpdateState(state: UpdateState): void {
    this.emit('updateState', state);
  }

  /** Changes in the open profiles' outboxes that have not reached BillPro (queued or refused). */
  async unsentChanges(): Promise<number> {
    let total = 0;
    for (const pending of this.sessions.values()) {
      const session = await pending.catch(() => null);
      if (!session) continue;
      const status = session.sync.status();
      total += status.pending + status.needsAttention;
    }
    return total;
  }

  /**
   * A billpro-desk:// link (a second launch, the OS, a clicked notification): checked against
   * the profiles on this device, then the page is told to open it. Answers why when it cannot.
   */
  openLink(url: string): LinkParse {
    const parsed = parseDeepLink(url);
    if (!parsed.ok) return parsed;
    const profile = this.registry.list().find((p) => p.id === parsed.route.profileId);
    if (!profile) {
      return {
        ok: false,
        message: `This link is for a profile that is not on this device (${parsed.route.profileId}). Add that merchant profile first.`,
      };
    }
    this.emit('openLink', parsed.route);
    return parsed;
  }

  /** Help → Export diagnostics: the zip's bytes (see diagnostics/diagnostics.ts for what is in it). */
  async exportDiagnostics(versions: Record<string, string>): Promise<Buffer> {
    const profiles = this.registry.list();
    const secrets: string[] = [];
    for (const p of profiles) {
      for (const account of [tokenAccount(p.id), cacheKeyAccount(p.id)]) {
        const value = await this.options.secrets.get(account).catch(() => null);
        if (value) secrets.push(value);
      }
    }
    const sync: Record<string, unknown> = {};
    const compatibility: Record<string, unknown> = {};
    for (const p of profiles) {
      const pending = this.sessions.get(p.id);
      const session = pending ? await pending.catch(() => null) : null;
      sync[p.id] = session ? session.sync.status() : { open: false };
      // Read-only calls, shapes only (keys and types, never values): what BillPro support needs.
      compatibility[p.id] = session
        ? await session.checkCompatibility().catch((error: unknown) => ({
            available: false,
            reason: `The check could not run: ${serializeError(error).message}`,
          }))
        : { available: false, reason: 'This profile was not open in this run of Desk, so it was not checked.' };
    }
    return buildDiagnostics({
      dataDir: this.options.dataDir,
      versions: { ...versions, app: this.options.version, mode: this.options.mode, platform: this.options.platform },
      settings: {
        preferences: this.preferences.value,
        activeProfile: this.registry.activeId,
        profiles: profiles.map((p) => ({
          id: p.id,
          environment: p.environment,
          baseUrl: describeBaseUrl(p.baseUrl),
          billproProfileId: p.billproProfileId,
          createdAt: p.createdAt,
          lastUsedAt: p.lastUsedAt,
        })),
        update: this.updateState(),
      },
      sync,
      compatibility,
      secrets,
    });
  }

  private updateState(): UpdateState {
    return (
      this.updater?.current ?? {
        supported: false,
        mode: this.preferences.value.updates,
        phase: 'unsupported',
        currentVersion: this.options.version,
        availableVersion: null,
        percent: null,
        lastCheckedAt: null,
        message:
          this.options.mode === 'web'
            ? 'Browser mode runs from this folder: update it with git and npm, not here.'
            : 'This copy was not installed from a release (a development build), so it does not update itself.',
      }
    );
  }

  // ---------------------------------------------------------------- notifications

  private scheduleRefusedCheck(profileId: string): void {
    if (this.refusedChecks.has(profileId) || this.closed) return;
    const timer = setTimeout(() => {
      this.refusedChecks.delete(profileId);
      void this.checkRefused(profileId);
    }, this.options.tuning?.notifyDelayMs ?? 1_500);
    timer.unref();
    this.refusedChecks.set(profileId, timer);
  }

  private async checkRefused(profileId: string): Promise<void> {
    if (!this.preferences.value.notifications || this.closed) return;
    const pending = this.sessions.get(profileId);
    const session = pending ? await pending.catch(() => null) : null;
    const profile = this.registry.list().find((p) => p.id === profileId);
    if (!session || !profile) return;
    const { entries } = session.outbox.list({ profileId, states: ['failed', 'conflict'], limit: 100 });
    const changes = entries.map((e) => ({
      seq: e.seq,
      state: e.state as 'failed' | 'conflict',
      summary: e.summary,
      reason: e.lastError?.message ?? null,
    }));
    for (const note of this.planner.refused({ id: profile.id, name: profile.name }, changes)) this.emit('notify', note);
  }

  private async checkStale(): Promise<void> {
    if (!this.preferences.value.notifications || this.closed) return;
    const facts = [];
    for (const p of this.registry.list()) {
      const pending = this.sessions.get(p.id);
      const session = pending ? await pending.catch(() => null) : null;
      if (session) facts.push({ profileId: p.id, profileName: p.name, lastSyncedAt: session.sync.status().lastSyncedAt });
    }
    for (const note of this.planner.stale(facts, Date.now())) this.emit('notify', note);
  }

  // ---------------------------------------------------------------- methods

  private readonly handlers: Handlers = {
    'app.info': async () => ({
      name: 'BillPro Desk',
      version: this.options.version,
      mode: this.options.mode,
      platform: this.options.platform,
    }),

    'app.preferences': async () => this.preferences.value,
    'app.setPreferences': async (changes) => {
      const next = await this.preferences.update(changes);
      if (changes.updates && this.updater) this.updater.setMode(next.updates);
      if (changes.notifications === true) void this.checkStale();
      return next;
    },
    'updates.status': async () => this.updateState(),
    'updates.check': async () => {
      if (!this.updater) throw new DeskError('BAD_INPUT', this.updateState().message ?? 'Updates are not available here.');
      await this.updater.check(true);
      return this.updater.current;
    },
    'updates.download': async () => {
      if (!this.updater) throw new DeskError('BAD_INPUT', this.updateState().message ?? 'Updates are not available here.');
      void this.updater.download();
      return this.updater.current;
    },
    'updates.restart': async ({ confirmUnsent }) => {
      if (!this.updater) throw new DeskError('BAD_INPUT', this.updateState().message ?? 'Updates are not available here.');
      return this.updater.restart(confirmUnsent);
    },

    'profiles.list': async () => this.profilesState(),

    'profiles.add': async ({ name, ...connection }) => {
      const target = resolveConnection(connection);
      await testConnection(target, this.options.tuning);
      const id = ProfileRegistry.newId();
      await this.options.secrets.set(tokenAccount(id), target.token);
      try {
        const stored = await this.registry.add(
          { name, environment: connection.environment, baseUrl: target.baseUrl, billproProfileId: target.profileId ?? null },
          id,
        );
        if (!this.registry.activeId) await this.registry.setActive(stored.id);
        this.emitProfiles();
        return this.summary(stored);
      } catch (error) {
        await this.options.secrets.delete(tokenAccount(id)).catch(() => false);
        throw error;
      }
    },

    'profiles.update': async ({ id, name, connection }) => {
      const current = this.registry.get(id);
      let changes: Partial<StoredProfile> = name ? { name } : {};
      if (connection) {
        const token = connection.token ?? (await this.tokenOf(current));
        const target = resolveConnection({
          environment: connection.environment ?? (this.launcherOf(current) ? 'custom' : current.environment),
          baseUrl: connection.baseUrl ?? current.baseUrl,
          billproProfileId:
            connection.billproProfileId === undefined ? current.billproProfileId : connection.billproProfileId,
          token,
        });
        // A saved token goes only to the BillPro it was saved for: a new origin needs the token again.
        if (!connection.token && new URL(target.baseUrl).origin !== new URL(current.baseUrl).origin) {
          throw new DeskError('BAD_INPUT', 'Enter the API token again to connect this profile to a new address.', {
            fields: { token: ['A saved token is only sent to the address it was saved for: paste it again for this one.'] },
          });
        }
        await testConnection(target, this.options.tuning);
        if (connection.token) await this.options.secrets.set(tokenAccount(id), target.token);
        changes = { ...changes, baseUrl: target.baseUrl, billproProfileId: target.profileId ?? null };
        if (connection.environment) changes.environment = connection.environment;
      }
      const stored = await this.registry.update(id, changes);
      if (connection && (await this.dropSession(id))) {
        // Reconnect at once with the new details, so a queue kept for a new token drains now.
        void this.session(id).catch(() => undefined);
      }
      this.emitProfiles();
      return this.summary(stored);
    },

    'profiles.remove': async ({ id }) => {
      const profile = this.registry.get(id);
      const session = await this.dropSession(id);
      await this.registry.remove(id);
      await ProfileSession.destroyLocalData(this.options.dataDir, profile.id, session);
      await this.options.secrets.delete(tokenAccount(id));
      await this.options.secrets.delete(cacheKeyAccount(id));
      const state = this.profilesState();
      this.emit('profilesChanged', state);
      return state;
    },

    'profiles.testConnection': async (input) => {
      const target =
        'id' in input
          ? await this.connectionOf(this.registry.get(input.id))
          : resolveConnection(input);
      return testConnection(target, this.options.tuning);
    },

    'profiles.setActive': async ({ id }) => {
      await this.registry.setActive(id);
      void this.session(id).catch(() => undefined);
      return this.emitProfiles();
    },

    'profiles.trySandbox': async () => {
      const launcher = this.options.launchers?.sandbox;
      if (!launcher) throw new DeskError('BAD_INPUT', 'This build of BillPro Desk has no built-in sandbox.');
      const running = await launcher.start();
      const existing = this.registry.list().find((p) => p.environment === 'sandbox');
      const profile =
        existing ??
        (await (async () => {
          const id = ProfileRegistry.newId();
          await this.options.secrets.set(tokenAccount(id), running.token);
          return this.registry.add(
            { name: 'BillPro sandbox', environment: 'sandbox', baseUrl: running.baseUrl, billproProfileId: null },
            id,
          );
        })());
      await this.registry.setActive(profile.id);
      void this.session(profile.id).catch(() => undefined);
      return this.emitProfiles();
    },

    'products.list': async (input) => (await this.session(input.profileId)).reads.listProducts(input),
    'products.get': async ({ profileId, id }) => (await this.session(profileId)).reads.getProduct(id),
    'products.groups': async ({ profileId }) => ({ groups: (await this.session(profileId)).reads.productGroups() }),
    'customers.list': async (input) => (await this.session(input.profileId)).reads.listCustomers(input),
    'customers.get': async ({ profileId, id }) => (await this.session(profileId)).reads.getCustomer(id),
    'customers.create': async ({ profileId, customer }) =>
      (await this.session(profileId)).writes.createCustomer(customer),
    'customers.update': async ({ profileId, id, customer }) =>
      (await this.session(profileId)).writes.updateCustomer(id, customer),
    'orders.list': async (input) => (await this.session(input.profileId)).reads.listOrders(input),
    'orders.statusCounts': async (input) => (await this.session(input.profileId)).reads.orderStatusCounts(input),
    'orders.exportCsv': async (input) => (await this.session(input.profileId)).reads.exportOrdersCsv(input),
    'orders.get': async ({ profileId, id }) => (await this.session(profileId)).reads.getOrder(id),
    'orders.create': async ({ profileId, purchaseType, order }) =>
      (await this.session(profileId)).writes.createOrder(purchaseType, order),
    'orders.cancel': async ({ profileId, id }) => (await this.session(profileId)).writes.manageOrder('cancel', id),
    'orders.pause': async ({ profileId, id }) => (await this.session(profileId)).writes.manageOrder('pause', id),
    'orders.resume': async ({ profileId, id }) => (await this.session(profileId)).writes.manageOrder('resume', id),
    'orders.renewCheckout': async ({ profileId, id }) =>
      (await this.session(profileId)).writes.manageOrder('renewCheckout', id),
    'payments.list': async ({ profileId, orderId }) =>
      (await this.session(profileId)).reads.listScheduledPayments(orderId),
    'payments.skip': async ({ profileId, id }) =>
      (await this.session(profileId)).writes.updateScheduledPayment(id, { status: 'skipped' }),
    'payments.reschedule': async ({ profileId, id, scheduledAt }) =>
      (await this.session(profileId)).writes.updateScheduledPayment(id, { status: 'scheduled', scheduled_at: scheduledAt }),
    'payments.changeInterval': async ({ profileId, id, interval, unit }) =>
      (await this.session(profileId)).writes.updateScheduledPayment(id, {
        scheduled_interval: interval,
        scheduled_duration_unit: unit,
      }),
    'sync.now': async ({ profileId }) => {
      await (await this.session(profileId)).sync.syncNow();
      return { ok: true as const };
    },
    'dashboard.summary': async ({ profileId, months, days }) => (await this.session(profileId)).reads.summary(months, days),
    'sync.status': async ({ profileId }) => (await this.session(profileId)).sync.status(),
    'sync.history': async ({ profileId, limit }) => (await this.session(profileId)).sync.history(limit),
    'sync.budget': async ({ profileId }) => (await this.session(profileId)).sync.budget(),
    'sync.removals': async ({ profileId }) => (await this.session(profileId)).sync.removals(),
    'sync.decideRemoval': async ({ profileId, collection, confirm }) =>
      (await this.session(profileId)).sync.decideRemoval(collection, confirm),
    'sync.readProblems': async ({ profileId }) => (await this.session(profileId)).readProblems.list(),
    'profiles.checkCompatibility': async ({ profileId }) => (await this.session(profileId)).checkCompatibility(),
    'outbox.list': async (input) => (await this.session(input.profileId)).outbox.list(input),
    'outbox.retry': async ({ profileId, seq, payload }) => (await this.session(profileId)).outbox.retry(seq, payload),
    'outbox.discard': async ({ profileId, seq }) => (await this.session(profileId)).outbox.discard(seq),
  };

  // ---------------------------------------------------------------- sessions

  /** The open session of a profile, opening it (keychain, cache, sync) on first use. */
  private session(id: string): Promise<ProfileSession> {
    if (this.closed) return Promise.reject(new DeskError('BAD_INPUT', 'Desk is shutting down.'));
    let pending = this.sessions.get(id);
    if (!pending) {
      pending = this.openSession(id);
      this.sessions.set(id, pending);
      pending.catch(() => this.sessions.delete(id));
    }
    return pending;
  }

  private async openSession(id: string): Promise<ProfileSession> {
    const profile = this.registry.get(id);
    const connection = await this.connectionOf(profile);
    const session = await ProfileSession.open({
      profileId: profile.id,
      connection,
      dataDir: this.options.dataDir,
      secrets: this.options.secrets,
      emit: (event, payload) => this.emit(event, payload),
      tuning: this.options.tuning ?? {},
    });
    return session;
  }

  private async dropSession(id: string): Promise<ProfileSession | null> {
    const pending = this.sessions.get(id);
    this.sessions.delete(id);
    if (!pending) return null;
    const session = await pending.catch(() => null);
    await session?.close();
    return session;
  }

  private launcherOf(profile: StoredProfile): BillProLauncher | undefined {
    return this.options.launchers?.[profile.environment];
  }

  private async connectionOf(profile: StoredProfile): Promise<BillProConnection> {
    const launcher = this.launcherOf(profile);
    if (!launcher) return { baseUrl: profile.baseUrl, token: await this.tokenOf(profile), profileId: profile.billproProfileId };
    // A launched BillPro listens on a new loopback port each launch, with its own token.
    const running = await launcher.start();
    if (running.baseUrl !== profile.baseUrl) await this.registry.update(profile.id, { baseUrl: running.baseUrl });
    if ((await this.options.secrets.get(tokenAccount(profile.id))) !== running.token) {
      await this.options.secrets.set(tokenAccount(profile.id), running.token);
    }
    return { baseUrl: running.baseUrl, token: running.token, profileId: profile.billproProfileId };
  }

  private async tokenOf(profile: StoredProfile): Promise<string> {
    const token = await this.options.secrets.get(tokenAccount(profile.id));
    if (!token) {
      throw new DeskError(
        'AUTH_INVALID',
        `No API token for “${profile.name}” was found in the keychain. Replace the token in Settings.`,
      );
    }
    return token;
  }

  // ---------------------------------------------------------------- profile state

  private profilesState(): ProfilesState {
    return {
      profiles: this.registry.list().map((p) => this.summary(p)),
      activeId: this.registry.activeId,
      revision: ++this.profilesRevision,
    };
  }

  private summary(profile: StoredProfile): ProfileSummary {
    const status = this.sessionStatus.get(profile.id);
    return {
      id: profile.id,
      name: profile.name,
      environment: profile.environment,
      baseUrl: profile.baseUrl,
      billproProfileId: profile.billproProfileId,
      createdAt: profile.createdAt,
      lastUsedAt: profile.lastUsedAt,
      connectivity: status?.connectivity ?? 'unknown',
      pendingChanges: status?.pending ?? 0,
    };
  }

  /** Last known connectivity and outbox size per profile, fed by session events. */
  private readonly sessionStatus = new Map<string, { connectivity: ProfileSummary['connectivity']; pending: number }>();

  private emitProfiles(): ProfilesState {
    const state = this.profilesState();
    this.emit('profilesChanged', state);
    return state;
  }

  private emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    if (event === 'connectivity' || event === 'outboxChanged') this.trackStatus(event, payload);
    const envelope = { event, payload } as EventEnvelope;
    for (const listener of this.listeners) {
      try {
        listener(envelope);
      } catch {
        // A broken listener must not stop the others.
      }
    }
  }

  private trackStatus<E extends EventName>(event: E, payload: EventPayload<E>): void {
    if (event === 'outboxChanged') {
      const p = payload as EventPayload<'outboxChanged'>;
      if (p.needsAttention > 0) this.scheduleRefusedCheck(p.profileId);
    }
    if (event === 'connectivity') {
      const p = payload as EventPayload<'connectivity'>;
      const prev = this.sessionStatus.get(p.profileId);
      this.sessionStatus.set(p.profileId, { connectivity: p.state, pending: prev?.pending ?? 0 });
    } else {
      const p = payload as EventPayload<'outboxChanged'>;
      const prev = this.sessionStatus.get(p.profileId);
      this.sessionStatus.set(p.profileId, { connectivity: prev?.connectivity ?? 'unknown', pending: p.pending + p.needsAttention });
    }
  }
}

// ---------------------------------------------------------------- helpers

function resolveConnection(input: ConnectionInput): BillProConnection {
  const baseUrl =
    input.environment === 'custom'
      ? input.baseUrl
      : (ENVIRONMENT_BASE_URLS[input.environment] ?? input.baseUrl);
  if (!baseUrl) {
    throw new DeskError('BAD_INPUT', 'Enter the API base URL.', {
      fields: { baseUrl: ['Enter the API base URL, like https://app.bill.pro/api/v1'] },
    });
  }
  return { baseUrl: baseUrl.replace(/\/+$/, ''), token: input.token, profileId: input.billproProfileId ?? null };
}

async function testConnection(
  connection: BillProConnection,
  tuning: SessionTuning | undefined,
): Promise<MethodOutput<'profiles.testConnection'>> {
  try {
    const client = new BillProClient(connection, {
      timeoutMs: tuning?.requestTimeoutMs ?? 10_000,
      maxAttempts: 1,
    });
    const products = await client.listProducts(1);
    return { ok: true, productsOnFirstPage: products.length };
  } catch (error) {
    throw explainConnectionFailure(error);
  }
}

/** Connection tests get messages about the connection, in the words of the Connect form. */
function explainConnectionFailure(error: unknown): unknown {
  if (!isDeskError(error)) return error;
  const hints: Partial<Record<DeskError['code'], string>> = {
    AUTH_INVALID: 'BillPro did not accept this API token. Copy it again from BillPro → Users → User Details.',
    PROFILE_REQUIRED:
      'This API user can reach more than one merchant profile: enter the BillPro profile ID (User Details → Merchants).',
    FORBIDDEN: 'This API user cannot reach that merchant profile. Check the profile ID.',
    NETWORK: 'BillPro could not be reached at that address. Check the URL and your network connection.',
    TIMEOUT: 'BillPro did not answer in time. Check the URL and your network connection, then try again.',
    NOT_FOUND: 'No BillPro API answers at that address. Check that the URL ends in /api/v1.',
  };
  const hint = hints[error.code];
  return hint ? new DeskError(error.code, hint, { status: error.status, fields: error.fields }) : error;
}

function failure(error: unknown): Result<never> {
  return { ok: false, error: serializeError(error) };
}
