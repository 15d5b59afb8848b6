import { once } from 'node:events';
import { Option, type Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { checkOutputTarget, createAtomicWriteStream, type AtomicWriteStream } from '../core/atomic.js';
import { neutraliseFormula } from '../core/csv-formula.js';
import { ExitCode, VigieError } from '../core/errors.js';
import { MAX_WORKERS } from '../core/worker-pool.js';
import { applyConfiguration } from './configuration.js';

export const OUTPUT_FORMATS = ['jsonl', 'csv', 'table'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** `table` for a person at a terminal, `jsonl` for a pipe or a file. */
export function resolveFormat(requested: string | undefined, toFile: boolean): OutputFormat {
  if (requested === undefined) return !toFile && process.stdout.isTTY ? 'table' : 'jsonl';
  if (requested === 'json') return 'jsonl';
  if (!(OUTPUT_FORMATS as readonly string[]).includes(requested)) {
    throw new VigieError('usage', `unknown format "${requested}" (use jsonl, csv or table)`, ExitCode.usage);
  }
  return requested as OutputFormat;
}

/**
 * `-f` for a command whose default output is for a person even in a pipe (a CI log is read by one): `table` is its
 * summary line or table, whatever stdout is; `--json` stays as a hidden alias of `-f jsonl` for older scripts.
 */
export function addSummaryFormatOptions(command: Command, table: string): Command {
  return command
    .addOption(new Option('-f, --format <format>', `jsonl, csv or table (default: table, ${table}, even in a pipe)`))
    .addOption(new Option('--json', 'the same as -f jsonl').hideHelp());
}

/** The format `addSummaryFormatOptions`' flags ask for. */
export function summaryFormat(options: { format?: string; json?: boolean }): OutputFormat {
  return options.json ? 'jsonl' : resolveFormat(options.format ?? 'table', false);
}

let quiet = false;

/** `--quiet`: no progress bar and no summary lines on stderr (errors are still reported). */
export function setQuiet(value: boolean): void {
  quiet = value;
}

export function isQuiet(): boolean {
  return quiet;
}

/** A summary line on stderr (`vigie: wrote 12 entries…`), unless `--quiet`. */
export function summary(line: string): void {
  if (!quiet) process.stderr.write(`vigie: ${line}\n`);
}

/** A warning on stderr: always shown, even with `--quiet`. */
export function warn(line: string): void {
  process.stderr.write(`vigie: warning: ${line}\n`);
}

/** Commands whose `-j` is a number of worker threads (the others' is a number of network requests in flight). */
const WORKER_COMMANDS = new Set(['hash', 'match']);
/** The most network requests in flight a `-j` may ask for. */
export const MAX_JOBS = 1024;

/**
 * Runs before every command's action (a commander preAction hook), so that options shared by all commands mean the
 * same everywhere and a bad one fails before any work: options bound to a setting take their value from the
 * configuration layer when not given as flags; `-o -` is standard output; any other `-o` is checked by the shared
 * writer's rules (no symlink, FIFO, device or directory; its directory must exist and be writable); `-j` is
 * clamped, with a warning, to what the machine can use; `--quiet` is applied.
 */
export async function prepareSharedOptions(program: Command, action: Command): Promise<void> {
  setQuiet(program.opts().quiet === true);
  await applyConfiguration(program, action);
  const output = action.options.find((option) => option.attributeName() === 'output');
  const path = action.getOptionValue('output') as string | undefined;
  if (output && typeof path === 'string') {
    if (path === '-') {
      if (output.mandatory) throw new VigieError('usage', `${output.long} needs a file name, not "-"`, ExitCode.usage);
      action.setOptionValueWithSource('output', undefined, action.getOptionValueSource('output') ?? 'cli');
    } else {
      checkOutputTarget(path);
    }
  }
  const jobs = action.getOptionValue('jobs') as unknown;
  const cap = WORKER_COMMANDS.has(action.name()) ? MAX_WORKERS : MAX_JOBS;
  if (typeof jobs === 'number' && jobs > cap) {
    const what = WORKER_COMMANDS.has(action.name()) ? 'worker threads' : 'requests in flight';
    warn(`-j ${jobs} is more than this machine can use; using ${cap} ${what}`);
    action.setOptionValueWithSource('jobs', cap, action.getOptionValueSource('jobs') ?? 'cli');
  }
}

export interface Column<T> {
  header: string;
  value(record: T): string | number | undefined;
  /**
   * Never cut to fit the terminal: hashes (an MD5 or SHA-1 is compared with other tools' output by eye, a cut one
   * cannot be) and ids. Other columns are cut with `…`, widest first, when a table is wider than the terminal.
   */
  fixed?: boolean;
}

export interface RecordWriter<T> {
  write(record: T): void;
  /** Writes records as one chunk (one CSV stringify call): what a large export does, a page of records at a time. */
  writeMany(records: T[]): void;
  /**
   * Lets the output catch up: a long export from a synchronous source (a SQLite case) awaits this every so many
   * records, since the output is written only when the event loop turns, and without the pause it would hold
   * everything in memory. One turn hands what is queued to the file or pipe (which writes it while the next records
   * are made); the pause lasts until the queue is written only when more than `DRAIN_AT` bytes wait.
   */
  drained(): Promise<void>;
  /** Flushes a table, and makes an `-o` file appear (atomically) only now. */
  close(): Promise<void>;
  /** Leaves any previous `-o` file untouched and removes the temporary file. */
  abort(): Promise<void>;
}

/** Bytes of output a writer may hold before `drained()` waits for them to be written. */
const DRAIN_AT = 4 << 20;

export interface RecordWriterOptions {
  /** Mode of an `-o` file. Default 0600: outputs hold hashes, URLs and case data. */
  mode?: number;
}

/**
 * Writes records as JSON Lines (the record itself), CSV (the columns, with a header; formula cells neutralised) or
 * an aligned table (the columns; buffered, since widths depend on every row), to stdout or, atomically, to
 * `outputPath` (`-` is stdout). The path is checked here too, for callers that bypass the CLI hook.
 */
export function createRecordWriter<T>(
  format: OutputFormat,
  columns: Column<T>[],
  outputPath?: string,
  options: RecordWriterOptions = {},
): RecordWriter<T> {
  const file: AtomicWriteStream | undefined =
    outputPath && outputPath !== '-' ? createAtomicWriteStream(outputPath, { mode: options.mode ?? 0o600 }) : undefined;
  const target = file ? file.stream : process.stdout;
  const emit = (text: string) => target.write(text);
  const cells = (record: T) => columns.map((column) => String(column.value(record) ?? ''));
  const tableRows: string[][] = [];
  if (format === 'csv') emit(stringify([columns.map((column) => column.header)]));
  const writeMany = (records: T[]) => {
    if (records.length === 0) return;
    if (format === 'jsonl') emit(records.map((record) => `${JSON.stringify(record)}\n`).join(''));
    else if (format === 'csv') emit(csvText(records.map((record) => cells(record).map(neutraliseFormula))));
    else for (const record of records) tableRows.push(cells(record));
  };
  return {
    write: (record) => writeMany([record]),
    writeMany,
    async drained() {
      await new Promise(setImmediate);
      if (target.writableLength > DRAIN_AT) await once(target, 'drain');
    },
    async close() {
      if (format === 'table') {
        const fixed = columns.map((column) => column.fixed === true);
        emit(renderTable(columns.map((column) => column.header), tableRows, { width: file ? undefined : terminalWidth(), fixed }));
      }
      await file?.commit();
    },
    async abort() {
      await file?.abort();
    },
  };
}

/** A cell csv-stringify writes as it is: no delimiter, quote, CR or LF. */
const PLAIN_CELL = /^[^",\r\n]*$/;

/**
 * CSV text of rows of (already neutralised) cells. A row whose cells all need no quoting is joined directly, which is
 * exactly what csv-stringify writes for it (a property test holds it to that) at a fraction of its cost per cell: a
 * million-row export spent more in csv-stringify than in its query. Any other row goes through csv-stringify.
 */
export function csvText(rows: string[][]): string {
  let text = '';
  for (const row of rows) text += row.every((cell) => PLAIN_CELL.test(cell)) ? `${row.join(',')}\n` : stringify([row]);
  return text;
}

/** The width of the terminal standard output goes to; undefined when it is not a terminal (a pipe or a file). */
function terminalWidth(): number | undefined {
  return process.stdout.isTTY && process.stdout.columns > 0 ? process.stdout.columns : undefined;
}

export interface TableOptions {
  /** Fit rows into this many columns by cutting cells; undefined: no cut (a pipe or a file gets whole values). */
  width?: number;
  /** Per column: never cut (hashes, ids). */
  fixed?: boolean[];
}

/** A cut column keeps at least its header's width and this many characters, so that it stays recognisable. */
const MIN_CUT_WIDTH = 8;
const GAP = 2;

/**
 * An aligned table: a header, a rule, one line per row. With `width`, the widest cuttable columns are narrowed, one
 * character at a time, until a line fits (cells cut end with `…`); fixed columns and columns already at their minimum
 * are left whole, so a table that cannot fit stays wider than the terminal rather than losing a hash.
 */
export function renderTable(headers: string[], rows: string[][], options: TableOptions = {}): string {
  const natural = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => row[i].length)));
  const widths = options.width === undefined ? natural : fitWidths(headers, natural, options.width, options.fixed ?? []);
  const line = (row: string[]) =>
    row
      .map((cell, i) => {
        const shown = cut(cell, widths[i]);
        return i === row.length - 1 ? shown : shown.padEnd(widths[i]);
      })
      .join(' '.repeat(GAP))
      .trimEnd();
  return `${[line(headers), line(widths.map((width) => '─'.repeat(width))), ...rows.map(line)].join('\n')}\n`;
}

function fitWidths(headers: string[], natural: number[], width: number, fixed: boolean[]): number[] {
  const widths = [...natural];
  const floor = natural.map((w, i) => (fixed[i] ? w : Math.min(w, Math.max(headers[i].length, MIN_CUT_WIDTH))));
  let excess = widths.reduce((sum, w) => sum + w, 0) + GAP * (widths.length - 1) - width;
  while (excess > 0) {
    let widest = -1;
    for (let i = 0; i < widths.length; i++) if (widths[i] > floor[i] && (widest < 0 || widths[i] > widths[widest])) widest = i;
    if (widest < 0) break;
    widths[widest]--;
    excess--;
  }
  return widths;
}

/** `cell` in at most `width` characters: cut ones end with `…` (and never split a surrogate pair). */
function cut(cell: string, width: number): string {
  if (cell.length <= width) return cell;
  let end = width - 1;
  if (end > 0 && /[\uD800-\uDBFF]/.test(cell[end - 1])) end--;
  return `${cell.slice(0, end)}…`;
}
