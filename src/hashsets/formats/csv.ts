import { open } from 'node:fs/promises';
import { stringify } from 'csv-stringify/sync';
import { neutraliseFormula as neutralise, restoreFormula as unneutralise } from '../../core/csv-formula.js';
import { VigieError } from '../../core/errors.js';
import type { HashSetEntry } from '../../core/hashset.js';
import { isSignalName, SIGNAL_NAMES, type SignalName } from '../../core/signals/index.js';
import { makeCategory } from '../categories.js';
import { ImportContext } from '../import-context.js';
import { csvRows, headerIndex } from './csv-rows.js';
import type { HashSetFormat } from './format.js';

/** Columns `export --format csv` writes, in order; the reader maps them by name without `--map`. */
export const CSV_COLUMNS = [
  'hash',
  'signal',
  'quality',
  'category_scheme',
  'category',
  'source',
  'first_seen',
  'last_seen',
  'tags',
  'file_name',
  'file_size',
  'video_id',
  'video_frame',
  'video_timestamp',
] as const;
type CsvField = (typeof CSV_COLUMNS)[number];

/** `--map` keys besides the column names above: `type` for `signal`, and one column per signal (`md5=MD5`). */
const MAP_ALIASES: Record<string, CsvField> = { type: 'signal', scheme: 'category_scheme', name: 'file_name', size: 'file_size' };

/** Parses `--map hash=col,type=col,…`; a column is a header name or a 1-based number. */
export function parseColumnMap(text: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const [key, column] = pair.split('=').map((part) => part.trim());
    const field = MAP_ALIASES[key.toLowerCase()] ?? key.toLowerCase();
    if (!column || !((CSV_COLUMNS as readonly string[]).includes(field) || isSignalName(field))) {
      throw new VigieError(
        'usage',
        `bad --map entry "${pair}" (keys: ${[...CSV_COLUMNS, 'type', ...SIGNAL_NAMES].join(', ')}; value: column name or number)`,
        2,
      );
    }
    map[field] = column;
  }
  return map;
}

/** The field separator the header line uses most: `,`, `;` or tab. */
export async function sniffDelimiter(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(65536), 0, 65536, 0);
    const firstLine = buffer.subarray(0, bytesRead).toString('utf8').split('\n', 1)[0];
    const counts = [',', ';', '\t'].map((d) => [d, firstLine.split(d).length] as const);
    return counts.reduce((best, next) => (next[1] > best[1] ? next : best))[0];
  } finally {
    await handle.close();
  }
}


/**
 * Any CSV/TSV with a header line. Columns are found by name (the names export writes, and a column per signal such
 * as `md5`), or given with `--map` (column names or 1-based numbers) for lists whose layout is not verified, e.g.
 * the IWF's: `--map md5=MD5,sha1=SHA1,category=Category --category-scheme caid`.
 */
export const csv: HashSetFormat = {
  name: 'csv',
  async *read(context: ImportContext) {
    const delimiter = context.options.delimiter ?? (await sniffDelimiter(context.path));
    let columns: Map<string, number> | undefined;
    let signalColumns: [SignalName, number][] = [];
    for await (const { line, fields } of csvRows(context, delimiter)) {
      if (!columns) {
        columns = mapColumns(fields, context.options.map);
        signalColumns = SIGNAL_NAMES.filter((signal) => columns?.has(signal)).map((signal) => [signal, columns?.get(signal) as number]);
        if (!columns.has('hash') && signalColumns.length === 0) {
          throw context.fail(line, 'no hash column: name one with --map hash=COLUMN,type=COLUMN (or md5=COLUMN, …)');
        }
        if (columns.has('hash') && !columns.has('signal') && !context.options.type) {
          throw context.fail(line, 'no signal column: give --map type=COLUMN or --type');
        }
        continue;
      }
      const known = columns;
      const cell = (field: string) => {
        const column = known.get(field);
        return column === undefined ? '' : unneutralise(fields[column] ?? '');
      };
      const extra = rowFields(cell, context, line);
      if (!extra) continue;
      const hash = cell('hash');
      if (hash !== '') {
        const signal = cell('signal').toLowerCase() || context.options.type || '';
        if (!isSignalName(signal)) context.skip(line, `unknown signal "${signal.slice(0, 40)}"`);
        else {
          const entry = context.entry(signal, hash, line, extra);
          if (entry) yield entry;
        }
      }
      for (const [signal, column] of signalColumns) {
        const value = fields[column] ?? '';
        if (value === '') continue;
        const entry = context.entry(signal, value, line, extra);
        if (entry) yield entry;
      }
    }
  },
  *write(entries: Iterable<HashSetEntry>) {
    yield stringify([[...CSV_COLUMNS]]);
    for (const entry of entries) {
      const row: Record<CsvField, string | number | undefined> = {
        hash: entry.hash,
        signal: entry.signal,
        quality: entry.quality,
        category_scheme: entry.category?.scheme,
        category: entry.category?.value,
        source: entry.source,
        first_seen: entry.firstSeen,
        last_seen: entry.lastSeen,
        tags: entry.tags?.join(' '),
        file_name: entry.fileName,
        file_size: entry.fileSize,
        video_id: entry.video?.id,
        video_frame: entry.video?.frame,
        video_timestamp: entry.video?.timestamp,
      };
      yield stringify([CSV_COLUMNS.map((column) => neutralise(String(row[column] ?? '')))]);
    }
  },
};

/**
 * Column index of each field (CSV_COLUMNS and signal names) present: by header name, or only the `--map`ped ones
 * (then a column that happens to be named like a signal is not read twice).
 */
function mapColumns(header: string[], map: Record<string, string> | undefined): Map<string, number> {
  const byName = headerIndex(header);
  const columns = new Map<string, number>();
  for (const field of [...CSV_COLUMNS, ...SIGNAL_NAMES]) {
    const column = !map ? byName(field) : map[field] === undefined ? -1 : /^\d+$/.test(map[field]) ? Number(map[field]) - 1 : byName(map[field]);
    if (column >= 0) columns.set(field, column);
  }
  return columns;
}

/** Metadata of one row; undefined (and the row skipped) when a value is malformed. */
function rowFields(cell: (field: string) => string, context: ImportContext, line: number): Partial<HashSetEntry> | undefined {
  const extra: Partial<HashSetEntry> = {};
  const categoryValue = cell('category');
  if (categoryValue !== '') {
    const scheme = context.options.categoryScheme ?? (cell('category_scheme') || 'custom');
    const result = makeCategory(scheme, categoryValue);
    if ('error' in result) return void context.skip(line, result.error);
    extra.category = result.category;
  }
  const number = (field: string, max: number) => {
    const text = cell(field);
    if (text === '') return undefined;
    const value = Number(text);
    return /^\d+$/.test(text) && value <= max ? value : Number.NaN;
  };
  extra.quality = number('quality', 100);
  extra.fileSize = number('file_size', Number.MAX_SAFE_INTEGER);
  const frame = number('video_frame', 0xffffffff);
  for (const [name, value] of [['quality', extra.quality], ['file_size', extra.fileSize], ['video_frame', frame]] as const) {
    if (Number.isNaN(value)) return void context.skip(line, `${name} is not a valid whole number`);
  }
  extra.source = cell('source') || undefined;
  extra.firstSeen = cell('first_seen') || undefined;
  extra.lastSeen = cell('last_seen') || undefined;
  extra.fileName = cell('file_name') || undefined;
  const tags = cell('tags').split(/\s+/).filter(Boolean);
  if (tags.length > 0) extra.tags = tags;
  const videoId = cell('video_id');
  if (videoId !== '') {
    const timestamp = cell('video_timestamp');
    extra.video = { id: videoId, frame: frame ?? 0, ...(timestamp !== '' ? { timestamp: Number(timestamp) } : {}) };
  }
  return extra;
}
