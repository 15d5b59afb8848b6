import type { SignalArray } from '../core/hashset.js';
import { sharedWords, WordIndex, type HashIndex, type IndexHit } from './hash-index.js';

/**
 * Equality lookup for cryptographic hashes: an open-addressing table (linear probing, at most half full) of
 * positions into the set's own hash array, keyed on the first 32-bit word. Duplicates in the set are all returned.
 */
export class ExactIndex extends WordIndex implements HashIndex {
  readonly kind = 'exact';
  /** Position + 1 of a hash, 0 for an empty slot. */
  private readonly slots: Uint32Array;
  private readonly shift: number;

  constructor(array: SignalArray, slots?: Uint32Array) {
    super(array);
    this.slots = slots ?? sharedWords(tableSize(array.count));
    this.shift = 32 - Math.log2(this.slots.length);
    if (!slots) for (let id = 0; id < array.count; id++) this.insert(id);
  }

  static deserialize(array: SignalArray, data: Uint8Array): ExactIndex {
    const slots = new Uint32Array(data.buffer, data.byteOffset, data.byteLength / 4);
    if (slots.length !== tableSize(array.count)) throw new RangeError('exact index does not fit the set');
    return new ExactIndex(array, slots);
  }

  query(hash: Uint8Array): IndexHit[] {
    const query = this.loadQuery(hash);
    const mask = this.slots.length - 1;
    for (let slot = this.home(query[0]); this.slots[slot] !== 0; slot = (slot + 1) & mask) {
      const id = this.slots[slot] - 1;
      if (this.equals(id, query)) this.hits.push(id, 0);
    }
    return this.hits.take();
  }

  serialize(): Uint8Array {
    return new Uint8Array(this.slots.buffer, this.slots.byteOffset, this.slots.byteLength);
  }

  private insert(id: number): void {
    const mask = this.slots.length - 1;
    let slot = this.home(this.words[id * this.wordsPerHash]);
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
    this.slots[slot] = id + 1;
  }

  /** Fibonacci hashing: spreads even non-random keys (a list of all-zero placeholders) over the table. */
  private home(firstWord: number): number {
    return Math.imul(firstWord, 0x9e3779b1) >>> this.shift;
  }

  private equals(id: number, query: Uint32Array): boolean {
    const base = id * this.wordsPerHash;
    for (let w = 0; w < this.wordsPerHash; w++) if (this.words[base + w] !== query[w]) return false;
    return true;
  }
}

/** A power of two at least twice the count (probe chains stay short), and at least 2. */
function tableSize(count: number): number {
  return 2 ** Math.max(1, Math.ceil(Math.log2(Math.max(1, count) * 2)));
}
