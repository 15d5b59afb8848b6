import { csvProblem, parseCsvRows } from '../../core/csv.js';
import type { ImportContext } from '../import-context.js';
import { contentLines } from './text-lines.js';

export interface CsvRow {
  /** Line where the record starts. */
  line: number;
  fields: string[];
}

/** Largest number of lines one quoted record may span (a quoted field with line breaks). */
const MAX_RECORD_LINES = 1000;

const countQuotes = (text: string) => {
  let count = 0;
  for (let i = text.indexOf('"'); i !== -1; i = text.indexOf('"', i + 1)) count++;
  return count;
};

/**
 * Rows of a CSV/TSV file, streamed line by line (BOM, CRLF, blank lines, `#` comment lines, over-long lines and
 * binary garbage handled by the line reader). Lines without quotes are split directly, which is most of a hash
 * list and far faster; a record with quotes (possibly spanning lines) goes through csv-parse. An unterminated
 * quote is an error with the line where the record starts.
 */
export async function* csvRows(context: ImportContext, delimiter = ','): AsyncGenerator<CsvRow> {
  let pending: { line: number; lines: string[] } | undefined;
  for await (const { number, text } of contentLines(context)) {
    if (!pending) {
      if (!text.includes('"')) {
        yield { line: number, fields: text.split(delimiter).map((field) => field.trim()) };
        continue;
      }
      pending = { line: number, lines: [] };
    }
    pending.lines.push(text);
    const record = pending.lines.join('\n');
    if (countQuotes(record) % 2 === 1) {
      if (pending.lines.length >= MAX_RECORD_LINES) throw context.fail(pending.line, `not valid CSV: a quoted field spans over ${MAX_RECORD_LINES} lines`);
      continue;
    }
    const start = pending.line;
    pending = undefined;
    try {
      const rows = parseCsvRows(record, { delimiter });
      for (const fields of rows) yield { line: start, fields };
    } catch (error) {
      context.skip(start, `not valid CSV: ${csvProblem(error)}`);
    }
  }
  if (pending) throw context.fail(pending.line, 'not valid CSV: a quoted field is not closed before the end of the file');
}

/** Index of each header name, compared case-insensitively with `-`, `_` and spaces ignored. */
export function headerIndex(header: string[]): (name: string) => number {
  const key = (name: string) => name.toLowerCase().replace(/[-_ ]/g, '');
  const positions = new Map(header.map((name, i) => [key(name), i]));
  return (name) => positions.get(key(name)) ?? -1;
}
