/** A create-order draft left half-way, per profile, for the rest of this session (never on disk). */
import type { Draft } from './order-draft.ts';

export const savedDrafts = new Map<string, { draft: Draft; step: number }>();
