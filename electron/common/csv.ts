/**
 * CSV export of what the operator is looking at (pure, shared by the Desk and the renderer; saving
 * is the renderer's download.ts). RFC 4180 quoting; cells that a spreadsheet would run as a
 * formula (= + - @ at the start) are prefixed with a quote mark.
 */
export type CsvCell = string | number | null | undefined;

function cell(value: CsvCell): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows as CSV lines, each ended by CRLF (for writing a long file in pieces). */
export function csvLines(rows: readonly (readonly CsvCell[])[]): string {
  let out = '';
  for (const row of rows) out += `${row.map(cell).join(',')}\r\n`;
  return out;
}

export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return csvLines([header, ...rows]);
}
