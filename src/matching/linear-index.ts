import type { SignalArray } from '../core/hashset.js';
import { hashWords, loadQueryWords, wordDistance } from './hamming.js';
import { HitBuffer, type HashIndex, type IndexHit } from './hash-index.js';

/**
 * Brute force: every hash compared with the query. The reference the fast indexes are tested against, and the
 * fallback when a threshold is so large that probing buckets would cost more than scanning.
 */
export class LinearIndex implements HashIndex {
  readonly kind = 'linear';
  private readonly words: Uint32Array;
  private readonly wordsPerHash: number;
  private readonly queryWords: Uint32Array;
  private readonly hits = new HitBuffer();

  constructor(readonly array: SignalArray) {
    this.words = hashWords(array);
    this.wordsPerHash = array.width / 4;
    this.queryWords = new Uint32Array(this.wordsPerHash);
  }

  query(hash: Uint8Array, threshold: number): IndexHit[] {
    const query = loadQueryWords(hash, this.queryWords);
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
