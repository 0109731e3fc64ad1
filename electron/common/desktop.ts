/**
 * The desktop pieces of the contract: preferences (updates, notifications), the update state
 * the status bar and Settings show, notifications and diagnostics. Schemas only; contract.ts
 * puts them in its tables.
 */
import { z } from 'zod';

export const UPDATE_MODES = ['automatic', 'ask', 'off'] as const;
export const UpdateMode = z.enum(UPDATE_MODES);
export type UpdateMode = z.infer<typeof UpdateMode>;

export const DesktopPreferences = z.object({
  /** automatic: check and download by themselves; ask: check, then ask before downloading; off: only when asked. */
  updates: UpdateMode.default('automatic'),
  /** Refused changes and long-unsynced profiles raise a system notification. */
  notifications: z.boolean().default(true),
});
export type DesktopPreferences = z.infer<typeof DesktopPreferences>;
/** A change to some preferences (no defaults: an absent key keeps its value). */
export const PreferencesChange = z.object({ updates: UpdateMode.optional(), notifications: z.boolean().optional() });

export const UPDATE_PHASES = ['unsupported', 'idle', 'checking', 'available', 'downloading', 'ready', 'error'] as const;
export const UpdateState = z.object({
  /** False in browser mode and in a development build: nothing to update. */
  supported: z.boolean(),
  mode: UpdateMode,
  phase: z.enum(UPDATE_PHASES),
  currentVersion: z.string(),
  /** The newer version on offer, downloading or downloaded. */
  availableVersion: z.string().nullable(),
  /** 0–100 while downloading. */
  percent: z.number().min(0).max(100).nullable(),
  lastCheckedAt: z.string().nullable(),
  /** What went wrong, or why updates are unsupported, in words. */
  message: z.string().nullable(),
});
export type UpdateState = z.infer<typeof UpdateState>;

export const RestartAnswer = z.discriminatedUnion('restarting', [
  z.object({ restarting: z.literal(true) }),
  z.object({
    restarting: z.literal(false),
    /** Changes made here that have not reached BillPro; the person must confirm to restart anyway. */
    unsentChanges: z.number().int().nonnegative(),
    message: z.string(),
  }),
]);
export type RestartAnswer = z.infer<typeof RestartAnswer>;

export const DeskNotification = z.object({
  /** Stable per subject, so a repeat replaces rather than piles up. */
  key: z.string(),
  kind: z.enum(['refused', 'stale']),
  title: z.string(),
  body: z.string(),
  /** Where clicking it goes: a billpro-desk:// link (see deep-link.ts). */
  link: z.string(),
});
export type DeskNotification = z.infer<typeof DeskNotification>;

export const OpenLink = z.object({
  profileId: z.string(),
  view: z.enum(['orders', 'customers', 'products', 'activity', 'dashboard']),
  id: z.number().int().nullable(),
});
