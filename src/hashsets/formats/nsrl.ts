import { stringify } from 'csv-stringify/sync';
import type { HashSetEntry } from '../../core/hashset.js';
import { ImportContext } from '../import-context.js';
import { csvRows, headerIndex } from './csv-rows.js';
import { countSkip, type ExportSkips, type HashSetFormat } from './format.js';

/** RDS v2 `NSRLFile.txt` header (hashdeep src/files.cpp); RDS 1.5 files have the same names in another order. */
export const NSRL_HEADER = ['SHA-1', 'MD5', 'CRC32', 'FileName', 'FileSize', 'ProductCode', 'OpSystemCode', 'SpecialCode'];
/** NSRL columns kept as `name:value` tags, so that the product can be looked up in NSRLProd.txt. */
const TAG_COLUMNS = [
  ['ProductCode', 'nsrl-product'],
  ['OpSystemCode', 'nsrl-os'],
  ['SpecialCode', 'nsrl-special'],
] as const;

/**
 * NIST NSRL RDS v2 (and 1.5) text files. NSRL means "known", not "known good": entries get source `nsrl` and are for
 * de-prioritising, never an allow-list (README).
 */
export const nsrl: HashSetFormat = {
  name: 'nsrl',
  async *read(context: ImportContext) {
    let column: ((name: string) => number) | undefined;
    for await (const { line, fields } of csvRows(context)) {
      if (!column) {
        column = headerIndex(fields);
        if (column('SHA-1') < 0 || column('MD5') < 0 || column('FileName') < 0) {
          throw context.fail(line, 'not an NSRL RDS header ("SHA-1","MD5",…,"FileName","FileSize",…)');
        }
        continue;
      }
      const cell = (name: string) => fields[(column as (n: string) => number)(name)] ?? '';
      const sizeText = cell('FileSize');
      if (sizeText !== '' && !/^\d+$/.test(sizeText)) {
        context.skip(line, 'FileSize is not a whole number');
        continue;
      }
      const extra: Partial<HashSetEntry> = {
        source: context.options.source ?? 'nsrl',
        fileName: cell('FileName') || undefined,
        fileSize: sizeText === '' ? undefined : Number(sizeText),
        tags: TAG_COLUMNS.filter(([name]) => cell(name) !== '').map(([name, tag]) => `${tag}:${cell(name)}`),
      };
      for (const [name, signal] of [['SHA-1', 'sha1'], ['MD5', 'md5']] as const) {
        const entry = cell(name) === '' ? undefined : context.entry(signal, cell(name), line, extra);
        if (entry) yield entry;
      }
    }
  },
  *write(entries: Iterable<HashSetEntry>, skips: ExportSkips) {
    yield stringify([NSRL_HEADER], { quoted: true });
    for (const entry of entries) {
      if (entry.signal !== 'md5' && entry.signal !== 'sha1') {
        countSkip(skips, `${entry.signal} is not an NSRL hash`);
        continue;
      }
      const tag = (prefix: string) => entry.tags?.find((t) => t.startsWith(`${prefix}:`))?.slice(prefix.length + 1) ?? '';
      const [sha1, md5] = entry.signal === 'sha1' ? [entry.hash.toUpperCase(), ''] : ['', entry.hash.toUpperCase()];
      const row = [sha1, md5, '', entry.fileName ?? '', entry.fileSize ?? '', ...TAG_COLUMNS.map(([, t]) => tag(t))];
      yield stringify([row.map(String)], { quoted: true });
    }
  },
};
