import { probeCount } from './flip-masks.js';

/** How a multi-index-hashing index cuts its hashes: `chunks` slices, each keyed on its first `bits` bits. */
export interface MihLayout {
  chunks: number;
  bits: number;
}

/**
 * Measured costs in nanoseconds (bench/matching.js, 10M PDQ hashes, 2-core machine, Node 20.20, with the branch-free
 * block query of mih-index.ts): pass 1 alone is ~20 ns a probe, the rest of an 11x23 query ~40 ns a candidate, a
 * scan ~5 ns a hash. Checked against other layouts in the same run: 11x22 0.56x and 16x16 0.12x of 11x23 at 10M;
 * 11x22 ahead of 11x21, 13x19 and 16x16 at 1M; 16x16 3.5x faster than 13x19 at 100k (the earlier constants, 150 ns a
 * candidate, picked 13x19 there). Used only to compare layouts with each other and with a scan. A bucket probe is
 * cheap (many probes' loads are in flight at once); a candidate is dearer (a random read of its 32-byte hash, then
 * three to eight popcounts); a scanned hash is a sequential read and three popcounts.
 */
export const COST_NS = { probe: 20, candidate: 40, scanned: 5 };

/** Direct-addressed tables of 2^24 buckets (64 MB each) are the largest worth their memory. */
const MAX_BITS = 24;

/**
 * Search radius of chunk `chunk` for threshold t with m chunks, t = s·m + a (Norouzi et al. 2014, Prop. 1): within
 * t bits, some chunk among the first a+1 is within s bits, or some other chunk is within s−1 (otherwise the chunks
 * differ by at least (a+1)(s+1) + (m−a−1)s = t+1 bits). −1 means the chunk needs no probing at all.
 */
export function chunkRadius(chunk: number, chunks: number, threshold: number): number {
  const s = Math.floor(threshold / chunks);
  return chunk <= threshold % chunks ? s : s - 1;
}

/** Expected nanoseconds of one query on uniformly spread hashes: probes, plus the candidates they turn up. */
export function queryCost(layout: MihLayout, count: number, threshold: number): number {
  const perBucket = count / 2 ** layout.bits;
  let cost = 0;
  for (let chunk = 0; chunk < layout.chunks; chunk++) {
    const radius = chunkRadius(chunk, layout.chunks, threshold);
    if (radius >= 0) cost += probeCount(layout.bits, radius) * (COST_NS.probe + COST_NS.candidate * perBucket);
  }
  return cost;
}

export function scanCost(count: number): number {
  return count * COST_NS.scanned;
}

/** Large thresholds (radius grows, probes explode combinatorially) are answered by a scan. */
export function costExceedsScan(layout: MihLayout, count: number, threshold: number): boolean {
  return queryCost(layout, count, threshold) >= scanCost(count);
}

/**
 * The cheapest layout for a set of `count` hashes queried at `threshold`, by the cost model above; undefined when a
 * linear scan is cheaper (small sets, or thresholds near half the bits). Tables are capped at MAX_BITS and at
 * about 4 buckets per hash, so the offsets never dwarf the ids.
 */
export function chooseLayout(hashBits: number, count: number, threshold: number): MihLayout | undefined {
  let best: { layout: MihLayout; cost: number } | undefined;
  const maxBits = Math.min(MAX_BITS, Math.max(8, Math.ceil(Math.log2(Math.max(1, count) * 4))));
  for (let chunks = 2; chunks <= 32; chunks++) {
    const slice = Math.floor(hashBits / chunks);
    for (let bits = Math.min(slice, maxBits); bits >= 4; bits--) {
      const layout = { chunks, bits };
      const cost = queryCost(layout, count, threshold);
      if (!best || cost < best.cost) best = { layout, cost };
    }
  }
  return best && best.cost < scanCost(count) ? best.layout : undefined;
}
