import { flipMasks } from './flip-masks.js';
import { chunkRadius, type MihLayout } from './mih-layout.js';

/**
 * Every bucket probe of a multi-index-hashing query at one threshold, laid out flat so the probe loop is a few
 * instructions per probe: the chunks that need probing, where each one's probes start, and every probe's flip mask
 * already doubled (a bucket is two slots, so mask·2 XORed with slot·2 of the query's bucket names the probed one).
 */
export interface ProbePlan {
  /** Chunk numbers to probe (a chunk of radius −1 is skipped). */
  chunks: Int32Array;
  /** Probes of chunks[i] are doubledMasks[starts[i]] up to doubledMasks[starts[i + 1]]. */
  starts: Int32Array;
  doubledMasks: Int32Array;
}

const cache = new Map<string, ProbePlan>();

/** Computed once per (layout, threshold) and shared, so a query never allocates it. */
export function probePlan(layout: MihLayout, threshold: number): ProbePlan {
  const key = `${layout.chunks}x${layout.bits}@${threshold}`;
  let plan = cache.get(key);
  if (!plan) {
    const chunks: number[] = [];
    const masks: Int32Array[] = [];
    for (let chunk = 0; chunk < layout.chunks; chunk++) {
      const radius = chunkRadius(chunk, layout.chunks, threshold);
      if (radius < 0) continue;
      chunks.push(chunk);
      masks.push(flipMasks(layout.bits, radius));
    }
    const starts = new Int32Array(chunks.length + 1);
    masks.forEach((chunkMasks, i) => (starts[i + 1] = starts[i] + chunkMasks.length));
    const doubledMasks = new Int32Array(starts[chunks.length]);
    masks.forEach((chunkMasks, i) => chunkMasks.forEach((mask, j) => (doubledMasks[starts[i] + j] = mask * 2)));
    plan = { chunks: Int32Array.from(chunks), starts, doubledMasks };
    cache.set(key, plan);
  }
  return plan;
}
