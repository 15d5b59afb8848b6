import type { SignalArray } from '../core/hashset.js';
import { hashWords, loadQueryWords } from './hamming.js';

/** One hash of the indexed array within the threshold: its position in the array and its distance to the query. */
export interface IndexHit {
  index: number;
  distance: number;
}

export type IndexKind = 'exact' | 'linear' | 'mih';

/**
 * An index over one signal array of a hash set. `query` returns every hash within `threshold` bits (inclusive),
 * nearest first, ties by position; exact indexes ignore the threshold. The hashes themselves stay in the set's
 * array: `serialize` gives only the index's own structures, which `deserializeIndex` puts back over the same array.
 */
export interface HashIndex {
  readonly kind: IndexKind;
  readonly array: SignalArray;
  query(hash: Uint8Array, threshold: number): IndexHit[];
  serialize(): Uint8Array;
}

/** Hits collected by an index, in reusable typed arrays: queries allocate nothing until they return. */
export class HitBuffer {
  private ids = new Uint32Array(64);
  private distances = new Uint16Array(64);
  length = 0;

  push(id: number, distance: number): void {
    if (this.length === this.ids.length) {
      const ids = new Uint32Array(this.length * 2);
      const distances = new Uint16Array(this.length * 2);
      ids.set(this.ids);
      distances.set(this.distances);
      this.ids = ids;
      this.distances = distances;
    }
    this.ids[this.length] = id;
    this.distances[this.length++] = distance;
  }

  /** The hits nearest first, ties by position, each position once (an index may find a hash more than once). */
  take(): IndexHit[] {
    const hits: IndexHit[] = [];
    for (let i = 0; i < this.length; i++) hits.push({ index: this.ids[i], distance: this.distances[i] });
    this.length = 0;
    hits.sort((a, b) => a.distance - b.distance || a.index - b.index);
    return hits.filter((hit, i) => i === 0 || hit.index !== hits[i - 1].index);
  }
}

/** What every index keeps: the set's hashes as 32-bit words, and query and hit buffers reused from query to query. */
export abstract class WordIndex {
  protected readonly words: Uint32Array;
  protected readonly wordsPerHash: number;
  protected readonly hits = new HitBuffer();
  private readonly queryWords: Uint32Array;

  constructor(readonly array: SignalArray) {
    this.words = hashWords(array);
    this.wordsPerHash = array.width / 4;
    this.queryWords = new Uint32Array(this.wordsPerHash);
  }

  protected loadQuery(hash: Uint8Array): Uint32Array {
    return loadQueryWords(hash, this.queryWords);
  }
}

/**
 * Index structures live in shared memory, so that worker threads (query-pool.ts) can query them in place; on the
 * main thread a SharedArrayBuffer costs the same as an ArrayBuffer.
 */
export function sharedWords(length: number): Uint32Array {
  return new Uint32Array(new SharedArrayBuffer(length * 4));
}
