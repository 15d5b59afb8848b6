import type { HashSetEntry } from '../../core/hashset.js';
import { isSignalName, type SignalName } from '../../core/signals/index.js';
import { ImportContext } from '../import-context.js';
import { countSkip, type ExportSkips, type HashSetFormat } from './format.js';
import { contentLines } from './text-lines.js';

/** hashdeep's algorithms that are signals here; others (tiger, whirlpool, sha3) are read and counted as ignored. */
const HASHDEEP_SIGNALS: readonly SignalName[] = ['md5', 'sha1', 'sha256'];

/**
 * hashdeep / md5deep audit files (jessek/hashdeep `make_banner`): `%%%% HASHDEEP-1.0`, then `%%%% size,<alg>…,filename`
 * naming the columns, `##` comments, and `size,hash…,filename` lines. The file name is the last column and may
 * itself contain commas, or a line break (the line after then holds its rest, with too few fields).
 */
export const hashdeep: HashSetFormat = {
  name: 'hashdeep',
  async *read(context: ImportContext) {
    let columns: string[] | undefined;
    // The entries of the last hash line, held until the next line shows whether its file name went on (hashdeep
    // writes a name holding a line break as it is).
    let held: { line: number; entries: HashSetEntry[] } | undefined;
    for await (const { number, text } of contentLines(context, /^##/)) {
      if (text.startsWith('%%%%')) {
        if (held) yield* held.entries;
        held = undefined;
        const banner = text.slice(4).trim();
        if (/^size,/i.test(banner)) columns = banner.toLowerCase().split(',');
        else if (!/^HASHDEEP-1\.\d+$/i.test(banner)) context.skip(number, 'unknown %%%% header line');
        continue;
      }
      if (!columns) throw context.fail(number, 'no "%%%% size,…,filename" header before the first hash line');
      const fields = text.split(',');
      if (fields.length < columns.length) {
        if (held && held.line === number - 1) {
          for (const entry of held.entries) entry.fileName = `${entry.fileName}\n${text}`;
          held.line = number;
          continue;
        }
        context.skip(number, `${fields.length} fields, ${columns.length} expected (${columns.join(',')})`);
        continue;
      }
      if (held) yield* held.entries;
      held = undefined;
      const fileName = fields.slice(columns.length - 1).join(',');
      const sizeText = fields[columns.indexOf('size')];
      if (sizeText !== '' && !/^\d+$/.test(sizeText)) {
        context.skip(number, 'size is not a whole number');
        continue;
      }
      const fileSize = sizeText === '' ? undefined : Number(sizeText);
      const entries: HashSetEntry[] = [];
      for (let i = 0; i < columns.length - 1; i++) {
        const column = columns[i];
        if (column === 'size' || fields[i] === '') continue;
        if (!isSignalName(column) || !HASHDEEP_SIGNALS.includes(column)) {
          context.ignore(`${column} hash`);
          continue;
        }
        const entry = context.entry(column, fields[i], number, { fileName, fileSize });
        if (entry) entries.push(entry);
      }
      held = { line: number, entries };
    }
    if (held) yield* held.entries;
  },
  *write(entries: Iterable<HashSetEntry>, skips: ExportSkips) {
    // hashdeep lines hold every algorithm of one file: entries of the same file (name, size, original line) group.
    type Row = { size?: number; name: string; hashes: Partial<Record<SignalName, string>> };
    const rows: Row[] = [];
    const openRows = new Map<string, Row>();
    const used = new Set<SignalName>();
    for (const entry of entries) {
      if (!HASHDEEP_SIGNALS.includes(entry.signal)) {
        countSkip(skips, `${entry.signal} is not a hashdeep algorithm`);
        continue;
      }
      const name = entry.fileName ?? '';
      const key = JSON.stringify([name, entry.fileSize, entry.provenance?.file, entry.provenance?.line]);
      let row = openRows.get(key);
      if (!row || row.hashes[entry.signal] !== undefined) {
        row = { size: entry.fileSize, name, hashes: {} };
        rows.push(row);
        openRows.set(key, row);
      }
      row.hashes[entry.signal] = entry.hash;
      used.add(entry.signal);
    }
    const algorithms = HASHDEEP_SIGNALS.filter((signal) => used.has(signal));
    yield `%%%% HASHDEEP-1.0\n%%%% size,${algorithms.join(',')},filename\n## Written by vigie hashset export\n##\n`;
    for (const row of rows) {
      yield `${row.size ?? ''},${algorithms.map((a) => row.hashes[a] ?? '').join(',')},${row.name}\n`;
    }
  },
};
