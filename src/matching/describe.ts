import type { LoadedHashSet } from '../core/hashset.js';
import type { CategoryConflict, DerivedCategory, Match, MatchRecord } from '../core/match.js';
import { DIHEDRAL_VARIANTS, type DihedralVariant } from '../core/records.js';
import { signalType, type SignalName } from '../core/signals/index.js';

/** A hit of an index, before it is described: which set (and its place in the command line), which entry. */
export interface FoundMatch {
  order: number;
  set: LoadedHashSet;
  signal: SignalName;
  index: number;
  distance: number;
  variant: DihedralVariant | null;
  video?: { id: string; queryPercent: number; targetPercent: number };
}

/**
 * Best first: nearest; on a tie, a cryptographic (same file) before a perceptual match, the original orientation
 * before a rotation, then the sets in command-line order.
 */
function compareFound(a: FoundMatch, b: FoundMatch): number {
  const kind = (found: FoundMatch) => (signalType(found.signal).kind === 'cryptographic' ? 0 : 1);
  const variant = (found: FoundMatch) => (found.variant ? DIHEDRAL_VARIANTS.indexOf(found.variant) : 0);
  return (
    a.distance - b.distance || kind(a) - kind(b) || variant(a) - variant(b) || a.order - b.order || a.index - b.index
  );
}

/**
 * The matches of one input, each entry once (the best of its variants), best first; the category of the best
 * categorised match with its provenance; and, when sets disagree on the category, every distinct one.
 */
export function describeMatches(found: FoundMatch[]): Pick<MatchRecord, 'matches' | 'category' | 'categoryConflict'> {
  found.sort(compareFound);
  const seen = new Set<string>();
  const matches: Match[] = [];
  let category: DerivedCategory | undefined;
  const categories = new Map<string, CategoryConflict>();
  for (const hit of found) {
    const key = `${hit.order}:${hit.signal}:${hit.video?.id ?? hit.index}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const entry = hit.set.entry(hit.signal, hit.index);
    matches.push({
      set: hit.set.name,
      entry: hit.video?.id ?? entry.hash,
      signal: hit.signal,
      distance: hit.distance,
      ...(hit.variant && { variant: hit.variant }),
      ...(entry.category && { category: entry.category }),
      ...(entry.source !== undefined && { source: entry.source }),
      ...(hit.video && { queryPercent: hit.video.queryPercent, targetPercent: hit.video.targetPercent }),
    });
    if (!entry.category) continue;
    const { scheme, value, label } = entry.category;
    category ??= {
      ...entry.category,
      set: hit.set.name,
      entry: entry.hash,
      signal: hit.signal,
      distance: hit.distance,
      ...(entry.provenance && { provenance: entry.provenance }),
      text: `${scheme} category ${value}${label ? ` (${label})` : ''}, from set ${hit.set.name}, distance ${hit.distance}`,
    };
    const categoryKey = `${hit.set.name}\0${scheme}\0${value}`;
    if (!categories.has(categoryKey)) categories.set(categoryKey, { ...entry.category, set: hit.set.name, distance: hit.distance });
  }
  const distinct = new Set([...categories.values()].map(({ scheme, value }) => `${scheme}\0${value}`));
  const sets = new Set([...categories.values()].map(({ set }) => set));
  return {
    matches,
    ...(category && { category }),
    ...(distinct.size > 1 && sets.size > 1 && { categoryConflict: [...categories.values()] }),
  };
}
