/**
 * The one set of error codes the Desk speaks (DESIGN.md "Errors"). Every failure that reaches
 * the renderer is a DeskError with one of these codes and a message a person can act on.
 * Messages never carry a token or an Authorization header.
 */
import { z } from 'zod';

export const ERROR_CODES = [
  'AUTH_INVALID',
  'PROFILE_REQUIRED',
  'FORBIDDEN',
  'NOT_FOUND',
  'VALIDATION',
  'RATE_LIMITED',
  'SERVER',
  'NETWORK',
  'TIMEOUT',
  'KEYCHAIN_UNAVAILABLE',
  'BAD_INPUT',
  'CONFLICT',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** BillPro's 422 body: field name → messages, kept verbatim (e.g. `{"phone":["is invalid"]}`). */
export type FieldErrors = Record<string, string[]>;

export interface DeskErrorOptions {
  fields?: FieldErrors;
  status?: number;
  retryAfterMs?: number;
  /**
   * True when a write may have reached BillPro although no answer came back (timeout or
   * connection reset after the request was sent). The outbox must look the entity up by its
   * natural key before sending it again.
   */
  outcomeUnknown?: boolean;
  cause?: unknown;
}

export class DeskError extends Error {
  readonly code: ErrorCode;
  readonly fields: FieldErrors | undefined;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly outcomeUnknown: boolean;

  constructor(code: ErrorCode, message: string, options: DeskErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DeskError';
    this.code = code;
    this.fields = options.fields;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.outcomeUnknown = options.outcomeUnknown ?? false;
  }

  /** The plain, serialisable shape that crosses IPC and the web host. */
  toJSON(): SerializedError {
    return {
      code: this.code,
      message: this.message,
      ...(this.fields ? { fields: this.fields } : {}),
      ...(this.status !== undefined ? { status: this.status } : {}),
    };
  }
}

/**
 * The one serialized error: what crosses IPC and the web host, what the outbox and the sync
 * history store. A code, a message for a person, BillPro's field messages, the HTTP status.
 * Never a stack, a file path, a library's words or a token: those go to the local log.
 */
export const SerializedError = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  fields: z.record(z.string(), z.array(z.string())).optional(),
  status: z.number().int().optional(),
});
export type SerializedError = z.infer<typeof SerializedError>;

export const UNEXPECTED_MESSAGE = 'Something went wrong inside Desk. Try again; if it keeps happening, restart the app.';

/** The one way any error becomes a SerializedError: a DeskError says itself, anything else is a generic SERVER. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof DeskError) return error.toJSON();
  return { code: 'SERVER', message: UNEXPECTED_MESSAGE };
}

export function isDeskError(value: unknown): value is DeskError {
  return value instanceof DeskError;
}

/** Codes worth trying again later without the person changing anything. */
export function isTransient(code: ErrorCode): boolean {
  return code === 'NETWORK' || code === 'TIMEOUT' || code === 'SERVER' || code === 'RATE_LIMITED';
}
