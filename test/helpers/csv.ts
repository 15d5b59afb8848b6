import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

/** Rows of a small reference CSV file; with `header`, as objects keyed by column name. */
export function readCsv(path: string): string[][] {
  return parse(readFileSync(path, 'utf8'), { relax_column_count: true }) as string[][];
}

export function readCsvObjects(path: string): Record<string, string>[] {
  return parse(readFileSync(path, 'utf8'), { columns: true }) as Record<string, string>[];
}
