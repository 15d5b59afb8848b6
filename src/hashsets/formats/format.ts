import type { HashSetEntry } from '../../core/hashset.js';
import type { ImportContext } from '../import-context.js';

export const FORMAT_NAMES = [
  'plain',
  'hashdeep',
  'nsrl',
  'threatexchange',
  'ncmec',
  'vics',
  'icse',
  'vpdq',
  'csv',
  'jsonl',
] as const;
export type FormatName = (typeof FORMAT_NAMES)[number];

/** What an exporter was asked to leave out, by reason, so that the report can say so. */
export type ExportSkips = Record<string, number>;

/** One list format: a streaming reader and, where the format can hold our entries, a writer. */
export interface HashSetFormat {
  name: FormatName;
  read(context: ImportContext): AsyncGenerator<HashSetEntry>;
  /** Text chunks of the list; entries the format cannot hold are counted in `skips`. */
  write?(entries: Iterable<HashSetEntry>, skips: ExportSkips): Generator<string>;
}

export function countSkip(skips: ExportSkips, reason: string): void {
  skips[reason] = (skips[reason] ?? 0) + 1;
}
