import { stringify } from 'csv-stringify/sync';
import { describeCategory } from '../../core/categories.js';
import type { HashSetEntry } from '../../core/hashset.js';
import { ImportContext } from '../import-context.js';
import { csvRows, headerIndex } from './csv-rows.js';
import { countSkip, type ExportSkips, type HashSetFormat } from './format.js';

/** INTERPOL ICSE export header, exactly as IPED's HashDBTool reads it (`;`-separated). */
export const ICSE_HEADER = [
  'MD5',
  'SHA1',
  'PhotoDNA',
  'Image ID',
  'Is distributed',
  'Victim identified',
  'Offender identified',
  'Series name',
  'Number of submissions',
  'File Available',
  'Media Type',
  'Baseline',
];
/** Flag columns kept as tags when true. */
const FLAG_TAGS = [
  ['Is distributed', 'distributed'],
  ['Victim identified', 'victim-identified'],
  ['Offender identified', 'offender-identified'],
  ['File Available', 'file-available'],
] as const;
/** Valued columns kept as `name:value` tags. */
const VALUE_TAGS = [
  ['Image ID', 'icse-id'],
  ['Series name', 'series'],
  ['Number of submissions', 'submissions'],
  ['Media Type', 'media'],
] as const;

const isTrue = (value: string) => /^(true|yes|1|y)$/i.test(value);

/**
 * INTERPOL ICSE CSV. `Baseline` = true becomes category `inhope-baseline`/`baseline` (the INTERPOL/INHOPE baseline
 * list: material illegal everywhere); PhotoDNA values are counted as ignored (no PhotoDNA signal here).
 */
export const icse: HashSetFormat = {
  name: 'icse',
  async *read(context: ImportContext) {
    let column: ((name: string) => number) | undefined;
    for await (const { line, fields } of csvRows(context, ';')) {
      if (!column) {
        column = headerIndex(fields);
        if (column('MD5') < 0 || column('Baseline') < 0 || column('Image ID') < 0) {
          throw context.fail(line, `not an ICSE CSV header (expected ${ICSE_HEADER.join(';')})`);
        }
        continue;
      }
      const cell = (name: string) => fields[(column as (n: string) => number)(name)] ?? '';
      if (cell('PhotoDNA') !== '') context.ignore('PhotoDNA hash');
      const tags = [
        ...FLAG_TAGS.filter(([name]) => isTrue(cell(name))).map(([, tag]) => tag),
        ...VALUE_TAGS.filter(([name]) => cell(name) !== '').map(([name, tag]) => `${tag}:${cell(name)}`),
      ];
      const baseline = isTrue(cell('Baseline'));
      const extra: Partial<HashSetEntry> = {
        source: context.options.source ?? 'icse',
        tags,
        category: baseline ? describeCategory({ scheme: 'inhope-baseline', value: 'baseline' }) : undefined,
      };
      for (const [name, signal] of [['MD5', 'md5'], ['SHA1', 'sha1']] as const) {
        const entry = cell(name) === '' ? undefined : context.entry(signal, cell(name), line, extra);
        if (entry) yield entry;
      }
    }
  },
  *write(entries: Iterable<HashSetEntry>, skips: ExportSkips) {
    yield stringify([ICSE_HEADER], { delimiter: ';' });
    for (const entry of entries) {
      if (entry.signal !== 'md5' && entry.signal !== 'sha1') {
        countSkip(skips, `${entry.signal} is not an ICSE hash`);
        continue;
      }
      const tags = entry.tags ?? [];
      const valued = new Map<string, string>(VALUE_TAGS.map(([name, tag]) => [name, tags.find((t) => t.startsWith(`${tag}:`))?.slice(tag.length + 1) ?? '']));
      const flags = new Map<string, string>(FLAG_TAGS.map(([name, tag]) => [name, tags.includes(tag) ? 'true' : 'false']));
      const row = ICSE_HEADER.map((name) => {
        if (name === 'MD5') return entry.signal === 'md5' ? entry.hash : '';
        if (name === 'SHA1') return entry.signal === 'sha1' ? entry.hash : '';
        if (name === 'Baseline') return entry.category?.scheme === 'inhope-baseline' ? 'true' : 'false';
        return valued.get(name) ?? flags.get(name) ?? '';
      });
      yield stringify([row], { delimiter: ';' });
    }
  },
};
