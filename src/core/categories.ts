/**
 * Hash-list categories, typed, with the tables of known schemes in one place (data/categories.json, which people
 * edit): import, matching, qualification and notices all read a category's label and illegality here.
 */
import { readFileSync } from 'node:fs';

/** A category as the list that assigned it says it, with the scheme that gives the value its meaning. */
export interface Category {
  /** e.g. `vics-us`, `vics-uk`, `caid`, `threatexchange`, `inhope-baseline`, `ncmec`, `custom`. */
  scheme: string;
  /** The value in that scheme, as text (`1`, `A`, `NEGATIVE_CLASS`, …). */
  value: string;
  /** Human label when the scheme defines one. */
  label?: string;
  /**
   * True when content of this category is illegal, false when the scheme says it is not (non-pertinent, negative,
   * disputed, comparison images); absent when the scheme does not say (it depends on the law or on the list).
   */
  illegal?: boolean;
}

interface SchemeTable {
  source: string;
  values: Record<string, { label: string; illegal?: boolean }>;
}

const TABLE_URL = new URL('../../data/categories.json', import.meta.url);
let schemes: Record<string, SchemeTable> | undefined;

/** data/categories.json, read on first use so that it can be edited without rebuilding. */
function tables(): Record<string, SchemeTable> {
  schemes ??= (JSON.parse(readFileSync(TABLE_URL, 'utf8')) as { schemes: Record<string, SchemeTable> }).schemes;
  return schemes;
}

export type CategoryResult = { category: Category } | { error: string };

/** A category in `scheme`; an error when the scheme is known and the value is not one of its values. */
export function makeCategory(scheme: string, value: string): CategoryResult {
  const table = tables()[scheme];
  if (!table) return { category: { scheme, value } };
  const known = Object.hasOwn(table.values, value) ? table.values[value] : undefined;
  if (!known) {
    return { error: `unknown ${scheme} category "${value.slice(0, 40)}" (known: ${Object.keys(table.values).join(', ')})` };
  }
  return { category: { scheme, value, label: known.label, ...(known.illegal !== undefined && { illegal: known.illegal }) } };
}

/**
 * A category as stored (scheme, value, maybe a label) described by today's tables: label and illegality come from
 * data/categories.json when the scheme is known there, so that an edit of the table reaches stores already made.
 */
export function describeCategory(stored: Category): Category {
  const result = makeCategory(stored.scheme, stored.value);
  if ('error' in result) return { scheme: stored.scheme, value: stored.value, ...(stored.label && { label: stored.label }) };
  return { ...result.category, ...(result.category.label === undefined && stored.label && { label: stored.label }) };
}

export function isKnownScheme(scheme: string): boolean {
  return Object.hasOwn(tables(), scheme);
}
