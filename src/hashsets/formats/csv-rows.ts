import { createReadStream } from 'node:fs';
import { parse, type Options } from 'csv-parse';
import type { ImportContext } from '../import-context.js';

export interface CsvRow {
  line: number;
  fields: string[];
}

/**
 * Rows of a CSV/TSV file, streamed (quoted fields, BOM, CRLF, blank lines and `#` comment lines handled by
 * csv-parse). A record over the maximum line length, or an unterminated quote, ends the import with file and line.
 */
export async function* csvRows(context: ImportContext, delimiter = ',', extra: Options = {}): AsyncGenerator<CsvRow> {
  const parser = createReadStream(context.path).pipe(
    parse({
      delimiter,
      bom: true,
      info: true,
      relax_column_count: true,
      relax_quotes: false,
      skip_empty_lines: true,
      trim: true,
      max_record_size: context.maxLineBytes,
      ...extra,
    }),
  );
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (record.length === 1 && record[0] === '') continue;
      yield { line: info.lines, fields: record };
    }
  } catch (error) {
    const { lines, message } = error as { lines?: number; message: string; code?: string };
    if ((error as { code?: string }).code === 'CSV_MAX_RECORD_SIZE') {
      throw context.fail(lines ?? 0, `line longer than ${context.maxLineBytes} bytes (the maximum line length)`);
    }
    throw context.fail(lines ?? 0, `not valid CSV: ${message.replace(/^Invalid Record Length: |^Quote Not Closed: /, '')}`);
  }
}

/** Index of each header name, compared case-insensitively with `-`, `_` and spaces ignored. */
export function headerIndex(header: string[]): (name: string) => number {
  const key = (name: string) => name.toLowerCase().replace(/[-_ ]/g, '');
  const positions = new Map(header.map((name, i) => [key(name), i]));
  return (name) => positions.get(key(name)) ?? -1;
}
