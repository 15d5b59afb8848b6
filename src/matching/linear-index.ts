import { wordDistance } from './hamming.js';
import { WordIndex, type HashIndex, type IndexHit } from './hash-index.js';

/**
 * Brute force: every hash compared with the query. The reference the fast indexes are tested against, and the
 * fallback when a threshold is so large that probing buckets would cost more than scanning.
 */
export class LinearIndex extends WordIndex implements HashIndex {
  readonly kind = 'linear';

  query(hash: Uint8Array, threshold: number): IndexHit[] {
    const query = this.loadQuery(hash);
    const { words, wordsPerHash, hits } = this;
    for (let id = 0; id < this.array.count; id++) {
      const distance = wordDistance(words, id, wordsPerHash, query, threshold);
      if (distance <= threshold) hits.push(id, distance);
    }
    return hits.take();
  }

  serialize(): Uint8Array {
    return new Uint8Array(0);
  }
}
