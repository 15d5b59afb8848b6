import type { HashSetEntry, LoadedHashSet, Provenance } from '../core/hashset.js';
import type { SignalName } from '../core/signals/index.js';
import { entriesOf, loadHashSet, type LoadOptions } from './store-reader.js';
import { StoreWriter, type StoreSummary } from './store-writer.js';

export interface HashSetStats {
  name: string;
  contentSha256: string;
  formatVersion?: number;
  total: number;
  counts: Partial<Record<SignalName, number>>;
  /** `scheme:value` → entries; `(none)` for entries without a category. */
  categories: Record<string, number>;
  sources: Record<string, number>;
  /** Entries whose hash appeared earlier for the same signal. */
  duplicates: number;
  videos: number;
}

const categoryKey = (entry: HashSetEntry) => (entry.category ? `${entry.category.scheme}:${entry.category.value}` : '(none)');
const bump = (counts: Record<string, number>, key: string) => (counts[key] = (counts[key] ?? 0) + 1);

export function hashSetStats(set: LoadedHashSet): HashSetStats {
  const stats: HashSetStats = {
    name: set.name,
    contentSha256: set.contentSha256,
    formatVersion: set.formatVersion,
    total: 0,
    counts: {},
    categories: {},
    sources: {},
    duplicates: 0,
    videos: set.videos?.length ?? 0,
  };
  const seen = new Set<string>();
  for (const entry of entriesOf(set)) {
    stats.total++;
    stats.counts[entry.signal] = (stats.counts[entry.signal] ?? 0) + 1;
    bump(stats.categories, categoryKey(entry));
    bump(stats.sources, entry.source ?? '(none)');
    const key = `${entry.signal}:${entry.hash}`;
    if (seen.has(key)) stats.duplicates++;
    else seen.add(key);
  }
  return stats;
}

export interface DiffChange {
  change: 'added' | 'removed' | 'category';
  signal: SignalName;
  hash: string;
  /** For `category`: before and after (`scheme:value` or `(none)`). */
  from?: string;
  to?: string;
}

export interface HashSetDiff {
  /** Per signal: how many hashes were added, removed, or changed category. */
  summary: Partial<Record<SignalName, { added: number; removed: number; category: number }>>;
  changes: DiffChange[];
}

/** What changed from `older` to `newer`, per signal: hashes added, removed, and hashes whose category changed. */
export function diffHashSets(older: LoadedHashSet, newer: LoadedHashSet): HashSetDiff {
  const before = new Map<string, HashSetEntry>();
  for (const entry of entriesOf(older)) before.set(`${entry.signal}:${entry.hash}`, entry);
  const diff: HashSetDiff = { summary: {}, changes: [] };
  const record = (change: DiffChange) => {
    const summary = (diff.summary[change.signal] ??= { added: 0, removed: 0, category: 0 });
    summary[change.change]++;
    diff.changes.push(change);
  };
  const matched = new Set<string>();
  for (const entry of entriesOf(newer)) {
    const key = `${entry.signal}:${entry.hash}`;
    if (matched.has(key)) continue;
    matched.add(key);
    const old = before.get(key);
    if (!old) record({ change: 'added', signal: entry.signal, hash: entry.hash });
    else if (categoryKey(old) !== categoryKey(entry)) {
      record({ change: 'category', signal: entry.signal, hash: entry.hash, from: categoryKey(old), to: categoryKey(entry) });
    }
  }
  for (const [key, entry] of before) {
    if (!matched.has(key)) record({ change: 'removed', signal: entry.signal, hash: entry.hash });
  }
  return diff;
}

export interface MergeConflict {
  signal: SignalName;
  hash: string;
  /** Categories the lists gave this hash, with where each came from. */
  categories: { category: string; from?: Provenance }[];
}

export interface MergeResult {
  store: StoreSummary;
  /** Entries read from all inputs, and entries written (one per distinct signal + hash). */
  read: number;
  written: number;
  conflicts: MergeConflict[];
}

/**
 * Merges sets into one with each signal + hash once: the first list's entry is kept, tags are united, first/last
 * seen widened, and every other occurrence is recorded in `mergedFrom` (provenance is never lost). Hashes to which
 * the lists give different categories are reported as conflicts; the first list's category stays. With a single
 * input this is `dedupe`.
 */
export async function mergeHashSets(inputs: string[], output: string, name: string, options: LoadOptions = {}): Promise<MergeResult> {
  const merged = new Map<string, HashSetEntry>();
  const conflicts = new Map<string, MergeConflict>();
  const thresholds = {};
  let read = 0;
  for (const input of inputs) {
    const set = await loadHashSet(input, options);
    Object.assign(thresholds, { ...set.thresholds, ...thresholds });
    for (const entry of entriesOf(set)) {
      read++;
      const key = `${entry.signal}:${entry.hash}`;
      const kept = merged.get(key);
      if (!kept) {
        merged.set(key, entry);
        continue;
      }
      combine(kept, entry);
      if (categoryKey(kept) !== categoryKey(entry)) {
        const conflict = conflicts.get(key) ?? {
          signal: kept.signal,
          hash: kept.hash,
          categories: [{ category: categoryKey(kept), from: kept.provenance }],
        };
        conflict.categories.push({ category: categoryKey(entry), from: entry.provenance });
        conflicts.set(key, conflict);
      }
    }
  }
  const writer = new StoreWriter(output, { name, thresholds });
  try {
    for (const entry of merged.values()) writer.add(entry);
  } catch (error) {
    writer.abort();
    throw error;
  }
  return { store: await writer.close(), read, written: merged.size, conflicts: [...conflicts.values()] };
}

function combine(kept: HashSetEntry, other: HashSetEntry): void {
  const tags = new Set([...(kept.tags ?? []), ...(other.tags ?? [])]);
  if (tags.size > 0) kept.tags = [...tags];
  if (other.firstSeen && (!kept.firstSeen || other.firstSeen < kept.firstSeen)) kept.firstSeen = other.firstSeen;
  if (other.lastSeen && (!kept.lastSeen || other.lastSeen > kept.lastSeen)) kept.lastSeen = other.lastSeen;
  kept.category ??= other.category;
  kept.quality ??= other.quality;
  kept.fileSize ??= other.fileSize;
  kept.fileName ??= other.fileName;
  const from = [...(other.provenance ? [other.provenance] : []), ...(other.mergedFrom ?? [])];
  if (from.length > 0) kept.mergedFrom = [...(kept.mergedFrom ?? []), ...from];
}
