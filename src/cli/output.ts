import { stringify } from 'csv-stringify/sync';
import { createAtomicWriteStream, type AtomicWriteStream } from '../core/atomic.js';
import { VigieError } from '../core/errors.js';

export const OUTPUT_FORMATS = ['jsonl', 'csv', 'table'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** `table` for a person at a terminal, `jsonl` for a pipe or a file. */
export function resolveFormat(requested: string | undefined, toFile: boolean): OutputFormat {
  if (requested === undefined) return !toFile && process.stdout.isTTY ? 'table' : 'jsonl';
  if (requested === 'json') return 'jsonl';
  if (!(OUTPUT_FORMATS as readonly string[]).includes(requested)) {
    throw new VigieError('usage', `unknown format "${requested}" (use jsonl, csv or table)`, 2);
  }
  return requested as OutputFormat;
}

/**
 * A cell that a spreadsheet would run as a formula (=, +, -, @, tab, CR) is prefixed with a quote (OWASP's advice
 * against CSV injection): reports carry attacker-chosen URLs and file names.
 */
export function neutraliseFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export interface Column<T> {
  header: string;
  value(record: T): string | number | undefined;
}

export interface RecordWriter<T> {
  write(record: T): void;
  /** Flushes a table, and makes an `-o` file appear (atomically) only now. */
  close(): Promise<void>;
  /** Leaves any previous `-o` file untouched. */
  abort(): Promise<void>;
}

/**
 * Writes records as JSON Lines (the record itself), CSV (the columns, with a header) or an aligned table (the
 * columns; buffered, since widths depend on every row).
 */
export function createRecordWriter<T>(
  format: OutputFormat,
  columns: Column<T>[],
  outputPath?: string,
): RecordWriter<T> {
  const file: AtomicWriteStream | undefined = outputPath ? createAtomicWriteStream(outputPath) : undefined;
  const emit = (text: string) => (file ? file.stream.write(text) : process.stdout.write(text));
  const cells = (record: T) => columns.map((column) => String(column.value(record) ?? ''));
  const tableRows: string[][] = [];
  if (format === 'csv') emit(stringify([columns.map((column) => column.header)]));
  return {
    write(record) {
      if (format === 'jsonl') emit(`${JSON.stringify(record)}\n`);
      else if (format === 'csv') emit(stringify([cells(record).map(neutraliseFormula)]));
      else tableRows.push(cells(record));
    },
    async close() {
      if (format === 'table') emit(renderTable(columns.map((column) => column.header), tableRows));
      await file?.commit();
    },
    async abort() {
      await file?.abort();
    },
  };
}

export function renderTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => row[i].length)));
  const line = (row: string[]) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return `${[line(headers), line(widths.map((width) => '─'.repeat(width))), ...rows.map(line)].join('\n')}\n`;
}

