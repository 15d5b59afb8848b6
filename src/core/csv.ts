/**
 * The project's one CSV reader (csv-parse), for hash lists and for report exports given as inputs. csv-parse is
 * loaded on first use: commands that read no CSV do not pay for it at start-up.
 */
import { createRequire } from 'node:module';
import { ExitCode, VigieError } from './errors.js';

type SyncParse = (input: string, options: Record<string, unknown>) => unknown;
let parser: SyncParse | undefined;
const load = (): SyncParse => (parser ??= (createRequire(import.meta.url)('csv-parse/sync') as { parse: SyncParse }).parse);

export interface CsvOptions {
  /** Field separator (default `,`). */
  delimiter?: string;
}

/** csv-parse's first line of message, short enough for one line of a report. */
export const csvProblem = (error: unknown) => (error as Error).message.split('\n')[0].slice(0, 120);

/** The records of a CSV text as arrays of trimmed fields; rows may have different lengths. Throws csv-parse's error. */
export function parseCsvRows(text: string, options: CsvOptions = {}): string[][] {
  return load()(text, { delimiter: options.delimiter ?? ',', relax_column_count: true, trim: true, bom: true }) as string[][];
}

/**
 * The values of one named column of a CSV text with a header line (report exports), blanks dropped: a malformed
 * text is an input error, a missing column a usage error naming the columns there are.
 */
export function csvColumn(text: string, column: string): string[] {
  let rows: Record<string, string>[];
  try {
    rows = load()(text, { columns: true, bom: true, relax_column_count: true, skip_empty_lines: true }) as Record<string, string>[];
  } catch (error) {
    throw new VigieError('bad-csv', `cannot read the CSV input: ${csvProblem(error)}`, ExitCode.input);
  }
  if (rows.length > 0 && !(column in rows[0])) {
    throw new VigieError('usage', `the CSV input has no column "${column}" (columns: ${Object.keys(rows[0]).join(', ')})`, ExitCode.usage);
  }
  return rows.map((row) => row[column] ?? '').filter((value) => value.trim() !== '');
}
