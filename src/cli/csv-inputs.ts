import { parse } from 'csv-parse/sync';
import { ExitCode, VigieError } from '../core/errors.js';

/**
 * The values of one named column of a CSV text with a header line (report exports), blanks dropped. Used when
 * `--column` says that `--from` / stdin is CSV rather than one item per line.
 */
export function csvColumn(text: string, column: string): string[] {
  let rows: Record<string, string>[];
  try {
    rows = parse(text, { columns: true, bom: true, relax_column_count: true, skip_empty_lines: true });
  } catch (error) {
    throw new VigieError('bad-csv', `cannot read the CSV input: ${(error as Error).message.split('\n')[0]}`, ExitCode.input);
  }
  if (rows.length > 0 && !(column in rows[0])) {
    throw new VigieError('usage', `the CSV input has no column "${column}" (columns: ${Object.keys(rows[0]).join(', ')})`, ExitCode.usage);
  }
  return rows.map((row) => row[column] ?? '').filter((value) => value.trim() !== '');
}
