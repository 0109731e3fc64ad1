/** A column of VirtualTable: how one field of a row is labelled, sized and shown. */
export interface Column<R> {
  key: string;
  label: string;
  /** CSS grid track, e.g. `120px` or `2fr`. */
  width: string;
  value: (row: R) => string;
  align?: 'start' | 'end';
  /** Show the value as a StatusChip (the value is the raw status, e.g. `soft-declined`). */
  chip?: boolean;
  /** False for a column search never looks at (its text is not highlighted). */
  searchable?: boolean;
}
