/**
 * Streamed Desk answers (electron/common/streams.ts), fetched from the page's own origin — the web
 * host in the browser mode, the app:// protocol in Electron — so a 12 MB export never travels as
 * one message: its pieces are kept as they arrive (the Blob is built from them, never one string)
 * and the rows are counted from the text for the progress line.
 */
import type { MethodInput, SerializedError } from '../../../electron/common/contract.ts';
import { CsvRecordCounter, STREAM_PREFIX, STREAM_ROWS_HEADER, type StreamName } from '../../../electron/common/streams.ts';
import { DeskCallError } from './bridge.ts';

export interface StreamedCsv {
  /** The text as it arrived, piece by piece (bytes as sent: UTF-8). */
  parts: Uint8Array<ArrayBuffer>[];
  /** Data rows received (the header not counted). */
  rows: number;
}

const NOT_ANSWERING: SerializedError = {
  code: 'NETWORK',
  message: 'The Desk did not finish sending the file. Try again.',
};

/**
 * Fetch a streamed CSV; `onProgress(received, total)` after each piece (`total` is the row count
 * the Desk announced). Rejects with a DeskCallError (the contract's error, or a plain network one).
 */
export async function fetchCsvStream<N extends StreamName>(
  name: N,
  input: MethodInput<N>,
  onProgress: (received: number, total: number) => void,
): Promise<StreamedCsv> {
  let response: Response;
  try {
    response = await fetch(`${STREAM_PREFIX}${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
  } catch {
    throw new DeskCallError({ code: 'NETWORK', message: 'The Desk is not answering. Try again.' });
  }
  if (!response.ok || !response.body) throw new DeskCallError(await refusalOf(response));
  // Where the time goes (bench/csv-page.ts reads these): the answer's head, its last byte.
  performance.mark(`desk:stream-head:${name}`);
  const total = Number(response.headers.get(STREAM_ROWS_HEADER) ?? 0);
  const counter = new CsvRecordCounter();
  const decoder = new TextDecoder();
  const parts: Uint8Array<ArrayBuffer>[] = [];
  const reader = response.body.getReader();
  onProgress(0, total);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      counter.push(decoder.decode(value, { stream: true }));
      onProgress(Math.max(0, counter.records - 1), total);
    }
  } catch {
    throw new DeskCallError(NOT_ANSWERING);
  }
  performance.mark(`desk:stream-end:${name}`);
  return { parts, rows: Math.max(0, counter.records - 1) };
}

async function refusalOf(response: Response): Promise<SerializedError> {
  if (response.status === 401 || response.status === 403 || response.status === 421) {
    // The web host's own refusals are plain text; the Desk's (a 403 FORBIDDEN) are its JSON.
    const answer = await response
      .clone()
      .json()
      .catch(() => null);
    if (isRefusal(answer)) return answer.error;
    return { code: 'FORBIDDEN', message: 'This page is not signed in to the running Desk: open the URL it printed most recently.' };
  }
  const answer: unknown = await response.json().catch(() => null);
  if (isRefusal(answer)) return answer.error;
  return { code: 'SERVER', message: `The Desk gave an answer this page cannot read (HTTP ${response.status}).` };
}

function isRefusal(value: unknown): value is { ok: false; error: SerializedError } {
  if (typeof value !== 'object' || value === null) return false;
  const { ok, error } = value as { ok?: unknown; error?: { code?: unknown; message?: unknown } };
  return ok === false && typeof error?.code === 'string' && typeof error.message === 'string';
}
