/** CSV for exports; the function lives in electron/common so the Desk writes the same CSV. */
export { toCsv } from '../../../electron/common/csv.ts';
