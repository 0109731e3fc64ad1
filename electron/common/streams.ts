/**
 * Desk answers that arrive as a stream of text pieces instead of one Result (issue 14: the Orders
 * CSV of 100k orders is ~12 MB). Same input schema as the contract method of the same name; the
 * page fetches `stream/<name>` (POST, JSON input) from its own origin — the web host in the browser
 * mode, the `app://` protocol in Electron — and gets the text as it is built, the row count in a
 * header before the first byte. A refusal before the first byte is the contract's Result
 * `{ ok: false, error }` as JSON with an HTTP status for its code; a failure after it cuts the
 * response (the page's reader fails, the file is not saved).
 */
import type { ErrorCode, SerializedError } from './errors.ts';

export const STREAM_NAMES = ['orders.exportCsv'] as const;
export type StreamName = (typeof STREAM_NAMES)[number];

export function isStreamName(name: string): name is StreamName {
  return (STREAM_NAMES as readonly string[]).includes(name);
}

/** What the Desk answers when a stream is asked for: refused, or the row count and the pieces. */
export type StreamOpening =
  | { ok: true; rows: number; chunks: AsyncGenerator<string, void, undefined>; close(): Promise<void> }
  | { ok: false; error: SerializedError };

/** The path under the page's origin (relative: the page is at the origin's root in both modes). */
export const STREAM_PREFIX = 'stream/';

/** Response header: the rows the stream will carry (known when the export's snapshot is taken). */
export const STREAM_ROWS_HEADER = 'x-desk-rows';

/** The HTTP status a refusal carries, by the Desk's error code. */
export function streamStatusOf(code: ErrorCode): number {
  switch (code) {
    case 'BAD_INPUT':
    case 'VALIDATION':
    case 'PROFILE_REQUIRED':
      return 400;
    case 'AUTH_INVALID':
      return 401;
    case 'FORBIDDEN':
      return 403;
    case 'NOT_FOUND':
      return 404;
    case 'CONFLICT':
      return 409;
    case 'RATE_LIMITED':
      return 429;
    case 'KEYCHAIN_UNAVAILABLE':
      return 503;
    case 'NETWORK':
    case 'TIMEOUT':
      return 502;
    case 'SERVER':
      return 500;
  }
}

/**
 * Counts the CSV records in text that arrives in arbitrary pieces: a record ends at a line feed
 * outside quotes (RFC 4180 cells may hold line breaks inside quotes; `""` toggles twice).
 */
export class CsvRecordCounter {
  records = 0;
  #quoted = false;

  push(text: string): number {
    let quoted = this.#quoted;
    let records = 0;
    let at = 0;
    for (;;) {
      const quote = text.indexOf('"', at);
      const newline = text.indexOf('\n', at);
      if (newline === -1 && quote === -1) break;
      if (quote !== -1 && (newline === -1 || quote < newline)) {
        quoted = !quoted;
        at = quote + 1;
      } else {
        if (!quoted) records++;
        at = newline + 1;
      }
    }
    this.#quoted = quoted;
    this.records += records;
    return this.records;
  }
}
