/**
 * The report reader: CSV or JSON Lines batches of reports, streamed (one line in memory at a time, whatever the size
 * of the file), columns mapped to report fields, each row checked on its own so that one bad row never stops the
 * batch. A row that cannot be read at all (broken CSV quoting, no id) is a `ReadProblem` with its line number; a row
 * with an id but a bad value is a report carrying `invalid`, so the case records why it failed.
 *
 * Duplicate ids are not tracked here (memory would grow with the batch): the case store keeps the first and records
 * the others.
 */
import { createHash } from 'node:crypto';
import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { parseCsvRows, csvProblem } from '../core/csv.js';
import { ExitCode, VigieError, type ErrorCode, type ErrorInfo } from '../core/errors.js';
import { readLines } from '../core/lines.js';
import { isSignalName, signalType, type SignalName } from '../core/signals/index.js';
import type { ReportInput } from './store/index.js';

/** Report fields a batch column can feed, in the names the CSV header and `--map` use. */
export const REPORT_FIELDS = ['id', 'url', 'reported_at', 'source', 'category_claimed', 'ip', 'media', 'hashes', 'reporter_email'] as const;
export type ReportField = (typeof REPORT_FIELDS)[number];
const REQUIRED_FIELDS: ReportField[] = ['id', 'url', 'reported_at', 'source'];

/** URLs longer than this are refused on the report (browsers and servers cap far lower; src/net refuses it too). */
export const MAX_REPORT_URL_LENGTH = 32 * 1024;
/** Rows longer than this are refused unread: no report comes close (a 100 KB URL is still read, and refused). */
export const MAX_REPORT_LINE_BYTES = 1 << 20;
/** Values echoed into a refused report are cut to this many characters. */
const MAX_ECHOED = 2000;
/** The longest e-mail address SMTP carries (RFC 5321 path limit). */
const MAX_EMAIL_LENGTH = 254;
/** Report ids longer than this are refused (an id is a key, not a document). */
const MAX_ID_LENGTH = 200;

/** One report as read from a batch, after column mapping: what the case stores, and what the reader found. */
export interface ReportRow extends ReportInput {
  /** `media` resolved against the report file's folder (or `--media-root`), checked not to escape it. */
  mediaPath?: string;
  /** Why the row cannot be processed although it has an id (bad date, URL too long, media escaping…). */
  invalid?: ErrorInfo;
}

/** A row that could not become a report (the batch goes on). */
export interface ReadProblem {
  file: string;
  line: number;
  /** The row's id when it could be read. */
  id?: string;
  error: ErrorInfo;
}

export type ReadItem = { report: ReportRow } | { problem: ReadProblem };

export interface ReadReportsOptions {
  /** Report field → column name in the file (`--map url=Link,reported_at=Date`). */
  map?: Partial<Record<ReportField, string>>;
  /** `csv` or `jsonl`; default from the file name (`.jsonl`, `.ndjson`, `.json` are JSON Lines). */
  format?: 'csv' | 'jsonl';
  /** Media may be anywhere under this folder instead of only under the report file's own folder. */
  mediaRoot?: string;
}

/** Parses `--map url=Link,reported_at=Date`; an unknown report field is a usage error naming the known ones. */
export function parseColumnMapping(text: string): Partial<Record<ReportField, string>> {
  const map: Partial<Record<ReportField, string>> = {};
  for (const pair of text.split(',').map((part) => part.trim()).filter(Boolean)) {
    const at = pair.indexOf('=');
    const field = (at < 0 ? pair : pair.slice(0, at)).trim();
    const column = at < 0 ? '' : pair.slice(at + 1).trim();
    if (!(REPORT_FIELDS as readonly string[]).includes(field)) {
      throw new VigieError('usage', `--map: unknown report field "${field.slice(0, 40)}" (fields: ${REPORT_FIELDS.join(', ')})`, ExitCode.usage);
    }
    if (column === '') throw new VigieError('usage', `--map: "${pair.slice(0, 60)}" names no column (write field=Column)`, ExitCode.usage);
    map[field as ReportField] = column;
  }
  return map;
}

/** Which batch a file is, as the case records it: the name, and a digest of the full path (two `reports.csv` differ). */
export function batchLabel(path: string): string {
  const digest = createHash('sha256').update(resolve(path)).digest('hex').slice(0, 16);
  return `${basename(path)} sha256:${digest}`;
}

function formatOf(path: string, requested: ReadReportsOptions['format']): 'csv' | 'jsonl' {
  if (requested) return requested;
  return /\.(jsonl|ndjson|json)$/i.test(path) ? 'jsonl' : 'csv';
}

/**
 * The reports of one batch file, in file order. Header problems (an unknown mapped column, a required field missing)
 * throw before any row is read; row problems are yielded and reading goes on.
 */
export async function* readReports(path: string, options: ReadReportsOptions = {}): AsyncGenerator<ReadItem> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) throw new VigieError('not-found', `cannot read the report file ${path}: no such file`, ExitCode.input);
  const context: RowContext = {
    file: path,
    batch: batchLabel(path),
    mediaBase: await realpath(options.mediaRoot ?? dirname(resolve(path))).catch(() => {
      throw new VigieError('not-found', `--media-root ${options.mediaRoot}: no such folder`, ExitCode.usage);
    }),
    reportDir: dirname(resolve(path)),
  };
  const map = options.map ?? {};
  const lines = readLines(path, { maxLineBytes: MAX_REPORT_LINE_BYTES, label: path });
  if (formatOf(path, options.format) === 'jsonl') {
    for await (const line of lines) {
      if (line.text.trim() === '' && !line.overlong) continue;
      if (line.overlong) {
        yield problem(context, line.number, 'line-too-long', `line of ${line.overlong} bytes (limit ${MAX_REPORT_LINE_BYTES})`);
        continue;
      }
      let value: unknown;
      try {
        value = JSON.parse(line.text);
      } catch (error) {
        yield problem(context, line.number, 'bad-json', `not a JSON object: ${(error as Error).message.slice(0, 100)}`);
        continue;
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        yield problem(context, line.number, 'bad-json', 'not a JSON object');
        continue;
      }
      yield await rowToReport(jsonFields(value as Record<string, unknown>, map), line.number, context);
    }
    return;
  }
  let header: string[] | undefined;
  let columns: Record<ReportField, number> | undefined;
  for await (const line of lines) {
    if (line.overlong) {
      if (!header) throw new VigieError('bad-csv', `${path}: the header line is longer than ${MAX_REPORT_LINE_BYTES} bytes`, ExitCode.input);
      yield problem(context, line.number, 'line-too-long', `line of ${line.overlong} bytes (limit ${MAX_REPORT_LINE_BYTES})`);
      continue;
    }
    if (line.text.trim() === '') continue;
    let cells: string[];
    try {
      // One report per line: a quote left open is that line's error, never a reason to swallow the lines after it.
      // A line without quotes is its fields as they stand (csv-parse per line costs ~100× more).
      cells = line.text.includes('"') ? (parseCsvRows(line.text)[0] ?? []) : line.text.split(',').map((cell) => cell.trim());
    } catch (error) {
      if (!header) throw new VigieError('bad-csv', `${path} line ${line.number}: cannot read the header: ${csvProblem(error)}`, ExitCode.input);
      yield problem(context, line.number, 'bad-csv', `broken CSV quoting: ${csvProblem(error)}`);
      continue;
    }
    if (!header) {
      header = cells;
      columns = columnIndexes(header, map, path);
      continue;
    }
    yield await rowToReport(csvFields(cells, header, columns!), line.number, context);
  }
  if (!header) throw new VigieError('bad-csv', `${path} is empty: a report file starts with a header line`, ExitCode.input);
}

interface RowContext {
  file: string;
  batch: string;
  /** Real path of the folder media must stay under. */
  mediaBase: string;
  /** The report file's folder, which relative media paths start from. */
  reportDir: string;
}

interface RowFields {
  fields: Partial<Record<ReportField, unknown>>;
  extra: Record<string, string>;
}

function problem(context: RowContext, line: number, code: ErrorCode, message: string, id?: string): ReadItem {
  return { problem: { file: context.file, line, ...(id !== undefined && { id }), error: { code, message } } };
}

/** Column index of each report field; a mapped column that is not in the header, or a required field absent, throws. */
function columnIndexes(header: string[], map: Partial<Record<ReportField, string>>, path: string): Record<ReportField, number> {
  const indexes = {} as Record<ReportField, number>;
  for (const field of REPORT_FIELDS) {
    const column = map[field] ?? field;
    const index = header.indexOf(column);
    if (map[field] !== undefined && index < 0) {
      throw new VigieError('usage', `--map ${field}=${column}: ${path} has no column "${column}" (columns: ${header.join(', ').slice(0, 300)})`, ExitCode.usage);
    }
    indexes[field] = index;
  }
  const missing = REQUIRED_FIELDS.filter((field) => indexes[field] < 0);
  if (missing.length > 0) {
    throw new VigieError(
      'bad-report-file',
      `${path} has no column for ${missing.join(', ')} (columns: ${header.join(', ').slice(0, 300)}); name them with --map, e.g. --map url=Link`,
      ExitCode.input,
    );
  }
  return indexes;
}

function csvFields(cells: string[], header: string[], columns: Record<ReportField, number>): RowFields {
  const fields: Partial<Record<ReportField, unknown>> = {};
  const used = new Set<number>();
  for (const field of REPORT_FIELDS) {
    const index = columns[field];
    if (index >= 0) {
      used.add(index);
      if (cells[index] !== undefined && cells[index] !== '') fields[field] = cells[index];
    }
  }
  const extra: Record<string, string> = {};
  header.forEach((name, index) => {
    if (!used.has(index) && cells[index] !== undefined && cells[index] !== '') extra[name] = cells[index];
  });
  return { fields, extra };
}

function jsonFields(object: Record<string, unknown>, map: Partial<Record<ReportField, string>>): RowFields {
  const fields: Partial<Record<ReportField, unknown>> = {};
  const used = new Set<string>();
  for (const field of REPORT_FIELDS) {
    // JSON Lines may use the camelCase names of the records too (reportedAt, categoryClaimed).
    const key = map[field] ?? [field, camel(field)].find((name) => Object.hasOwn(object, name));
    if (key === undefined || !Object.hasOwn(object, key)) continue;
    used.add(key);
    if (object[key] !== null && object[key] !== '') fields[field] = object[key];
  }
  const extra: Record<string, string> = {};
  for (const [key, value] of Object.entries(object)) {
    if (!used.has(key) && value !== null && value !== undefined) extra[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return { fields, extra };
}

const camel = (name: string) => name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

function text(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : JSON.stringify(value);
}

async function rowToReport({ fields, extra }: RowFields, line: number, context: RowContext): Promise<ReadItem> {
  const id = text(fields.id);
  if (!id) return problem(context, line, 'no-id', 'the row has no report id');
  if (id.length > MAX_ID_LENGTH) return problem(context, line, 'bad-id', `report id of ${id.length} characters (limit ${MAX_ID_LENGTH})`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(id)) return problem(context, line, 'bad-id', 'the report id contains control characters');
  const url = text(fields.url) ?? '';
  const report: ReportRow = {
    id,
    url: url.length > MAX_ECHOED ? `${url.slice(0, MAX_ECHOED)}…` : url,
    reportedAt: '',
    source: text(fields.source) ?? '',
    batch: context.batch,
    line,
  };
  const invalid = (code: ErrorCode, message: string): ReadItem => ({ report: { ...report, invalid: { code, message } } });
  const claimed = text(fields.category_claimed);
  if (claimed) report.categoryClaimed = claimed;
  const ip = text(fields.ip);
  if (ip) report.ip = ip;
  // Kept as given (cut to an address's longest form): only a follow-up message reads it, and checks it then.
  const reporterEmail = text(fields.reporter_email);
  if (reporterEmail) report.reporterEmail = reporterEmail.slice(0, MAX_EMAIL_LENGTH);
  if (Object.keys(extra).length > 0) report.extra = extra;
  const reportedAt = parseReportedAt(text(fields.reported_at));
  if (reportedAt) report.reportedAt = reportedAt;
  if (url === '') return invalid('no-url', 'the report has no URL');
  if (url.length > MAX_REPORT_URL_LENGTH) {
    return invalid('url-too-long', `URL of ${url.length} characters refused (limit ${MAX_REPORT_URL_LENGTH})`);
  }
  if (!reportedAt) return invalid('bad-date', `reported_at "${(text(fields.reported_at) ?? '').slice(0, 40)}" is not a date and time`);
  if (!report.source) return invalid('no-source', 'the report has no source');
  if (fields.hashes !== undefined) {
    const hashes = parseHashes(fields.hashes);
    if ('error' in hashes) return invalid('bad-hashes', hashes.error);
    report.hashes = hashes.hashes;
  }
  const media = text(fields.media);
  if (media) {
    report.media = media;
    const located = await locateMediaIn(media, context.reportDir, context.mediaBase);
    if ('error' in located) return invalid('media-refused', located.error);
    report.mediaPath = located.path;
  }
  return { report };
}

/** ISO 8601 with a zone (or a bare date, taken as UTC), as UTC ISO; undefined when it is not a date. */
export function parseReportedAt(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const textValue = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(textValue)) return undefined;
  const time = Date.parse(textValue.replace(' ', 'T'));
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/** `sha256:…;pdq:…` (also `=` and spaces or `|` between pairs) in CSV, an object in JSON Lines. */
export function parseHashes(value: unknown): { hashes: Partial<Record<SignalName, string>> } | { error: string } {
  const pairs: [string, unknown][] =
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? Object.entries(value)
      : String(value)
          .split(/[;|\s]+/)
          .filter(Boolean)
          .map((pair) => {
            const at = pair.search(/[:=]/);
            return at < 0 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
          });
  const hashes: Partial<Record<SignalName, string>> = {};
  for (const [name, raw] of pairs) {
    const signal = name.trim().toLowerCase();
    if (!isSignalName(signal)) return { error: `unknown hash type "${signal.slice(0, 30)}" in the hashes column` };
    const hash = String(raw).trim().toLowerCase();
    const type = signalType(signal);
    if (signal === 'vpdq' || !type.isValid(hash)) return { error: `not a ${signal} hash: "${hash.slice(0, 80)}"` };
    hashes[signal] = hash;
  }
  return { hashes };
}

/**
 * A report's media path resolved against its report file's folder; refused when it leaves that folder (or
 * `mediaRoot` when given), whether by `..`, an absolute path or a symbolic link.
 */
export async function locateMedia(media: string, reportFile: string, mediaRoot?: string): Promise<{ path: string } | { error: string }> {
  const reportDir = dirname(resolve(reportFile));
  const base = await realpath(mediaRoot ?? reportDir).catch(() => undefined);
  if (!base) return { error: `media folder ${mediaRoot ?? reportDir} not found` };
  return locateMediaIn(media, reportDir, base);
}

async function locateMediaIn(media: string, reportDir: string, base: string): Promise<{ path: string } | { error: string }> {
  const candidate = isAbsolute(media) ? media : resolve(reportDir, media);
  const real = await realpath(candidate).catch(() => undefined);
  if (!real) return { error: `media "${media.slice(0, 200)}" not found` };
  const inside = relative(base, real);
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    return { error: `media "${media.slice(0, 200)}" is outside ${base} (allow a wider folder with --media-root)` };
  }
  return { path: real };
}
