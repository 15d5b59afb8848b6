import type { SignalArray } from '../core/hashset.js';
import { flipMasks } from './flip-masks.js';
import { hashWords, wordDistance } from './hamming.js';
import { sharedWords, WordIndex, type HashIndex, type IndexHit } from './hash-index.js';
import { LinearIndex } from './linear-index.js';
import { chunkRadius, costExceedsScan, type MihLayout } from './mih-layout.js';

/** chunks, bits, count, width, overflow length. */
const HEADER_WORDS = 5;
/** Set in a bucket's second slot when the bucket holds more than two ids: the rest is in the overflow area. */
const SPILLED = 0x80000000;

/**
 * Multi-index hashing (Norouzi, Punjani & Fleet, "Fast exact search in Hamming space with multi-index hashing",
 * 2014) with exact recall. The hash is cut into `chunks` slices; each slice's first `bits` bits key a
 * direct-addressed bucket table, one per chunk. Two hashes within t bits have some chunk within the radius
 * `chunkRadius` gives, so probing every bucket within that radius of the query's chunk, in every chunk, and checking
 * the candidates on the full hash finds every match. When the threshold makes probing dearer than a scan (see
 * mih-layout.ts), the query scans instead: the answer is the same either way.
 *
 * Buckets hold about one id each at the chosen layouts, so a bucket is two inline slots (id + 1, 0 when empty) and
 * one probe is one random read that already yields the candidates; a bucket of more than two ids keeps its first
 * inline and the offset of the rest (count, then ids) in the overflow area. Measured 1.5x faster than CSR
 * (offsets into an id array), whose second random read per probe dominated, for about the same memory.
 *
 * Everything lives in one Uint32Array (header, slots, overflow), so saving is one write and loading one read.
 */
export class MihIndex extends WordIndex implements HashIndex {
  readonly kind = 'mih';
  readonly layout: MihLayout;
  private readonly slice: number;
  private readonly slots: Uint32Array;
  private readonly overflow: Uint32Array;
  private readonly scan: LinearIndex;
  private candidates = new Uint32Array(4096);
  /** Keeps the touch pass from being optimised away. */
  private touchSink = 0;

  private constructor(
    array: SignalArray,
    private readonly data: Uint32Array,
  ) {
    super(array);
    this.layout = { chunks: data[0], bits: data[1] };
    if (data[2] !== array.count || data[3] !== array.width) throw new RangeError('index does not fit the set');
    this.slice = Math.floor((array.width * 8) / this.layout.chunks);
    const slotsLength = this.layout.chunks * 2 * 2 ** this.layout.bits;
    if (this.layout.bits > this.slice || data.length !== HEADER_WORDS + slotsLength + data[4]) {
      throw new RangeError('index size does not match its header');
    }
    this.slots = data.subarray(HEADER_WORDS, HEADER_WORDS + slotsLength);
    this.overflow = data.subarray(HEADER_WORDS + slotsLength);
    this.scan = new LinearIndex(array);
  }

  static build(array: SignalArray, layout: MihLayout): MihIndex {
    const { chunks, bits } = layout;
    const buckets = 2 ** bits;
    const words = hashWords(array);
    const wordsPerHash = array.width / 4;
    const slice = Math.floor((array.width * 8) / chunks);
    const keys = new Uint32Array(array.count);
    const sizes = new Uint32Array(buckets);
    const chunkKeys = (chunk: number) => {
      sizes.fill(0);
      for (let id = 0; id < array.count; id++) {
        keys[id] = chunkKey(words, id * wordsPerHash, chunk * slice, bits);
        sizes[keys[id]]++;
      }
    };
    // First pass: the overflow area's size (a count plus the ids past the first, per bucket of more than two).
    let overflowLength = 0;
    for (let chunk = 0; chunk < chunks; chunk++) {
      chunkKeys(chunk);
      for (let bucket = 0; bucket < buckets; bucket++) if (sizes[bucket] > 2) overflowLength += sizes[bucket];
    }
    const data = sharedWords(HEADER_WORDS + chunks * 2 * buckets + overflowLength);
    data.set([chunks, bits, array.count, array.width, overflowLength]);
    const slots = data.subarray(HEADER_WORDS, HEADER_WORDS + chunks * 2 * buckets);
    const overflow = data.subarray(HEADER_WORDS + slots.length);
    // Second pass (keys again: cheaper than keeping them all): ids in order into their buckets or the overflow.
    let nextOverflow = 0;
    const spillAt = new Uint32Array(buckets);
    for (let chunk = 0; chunk < chunks; chunk++) {
      chunkKeys(chunk);
      const table = slots.subarray(chunk * 2 * buckets, (chunk + 1) * 2 * buckets);
      for (let bucket = 0; bucket < buckets; bucket++) {
        if (sizes[bucket] <= 2) continue;
        spillAt[bucket] = nextOverflow;
        overflow[nextOverflow] = sizes[bucket] - 1;
        table[bucket * 2 + 1] = SPILLED | nextOverflow;
        nextOverflow += sizes[bucket];
      }
      sizes.fill(0);
      for (let id = 0; id < array.count; id++) {
        const bucket = keys[id];
        const seen = sizes[bucket]++;
        if (seen === 0) table[bucket * 2] = id + 1;
        else if (table[bucket * 2 + 1] & SPILLED) overflow[spillAt[bucket] + seen] = id;
        else table[bucket * 2 + 1] = id + 1;
      }
    }
    return new MihIndex(array, data);
  }

  static deserialize(array: SignalArray, data: Uint8Array, checked = false): MihIndex {
    if (data.byteOffset % 4 !== 0 || data.byteLength % 4 !== 0 || data.byteLength < HEADER_WORDS * 4) {
      throw new RangeError('misaligned or truncated index');
    }
    const index = new MihIndex(array, new Uint32Array(data.buffer, data.byteOffset, data.byteLength / 4));
    if (!checked) index.checkStructure();
    return index;
  }

  query(hash: Uint8Array, threshold: number): IndexHit[] {
    const { chunks, bits } = this.layout;
    if (costExceedsScan(this.layout, this.array.count, threshold)) return this.scan.query(hash, threshold);
    const query = this.loadQuery(hash);
    const { words, wordsPerHash, slots, overflow, hits, slice } = this;
    const buckets = 2 ** bits;
    // Gather every candidate first, then touch each candidate's hash, then check them: each pass is a tight loop of
    // independent loads, so the CPU overlaps the cache misses (~100 ns each alone on tables of hundreds of MB).
    // Measured 3x faster than checking each bucket as it is found.
    let count = 0;
    for (let chunk = 0; chunk < chunks; chunk++) {
      const radius = chunkRadius(chunk, chunks, threshold);
      if (radius < 0) continue;
      const key = chunkKey(query, 0, chunk * slice, bits);
      const masks = flipMasks(bits, radius);
      const tableBase = chunk * 2 * buckets;
      let candidates = this.reserveCandidates(count + 2 * masks.length);
      for (let probe = 0; probe < masks.length; probe++) {
        const slot = tableBase + 2 * (key ^ masks[probe]);
        const first = slots[slot];
        if (first === 0) continue;
        candidates[count++] = first - 1;
        const second = slots[slot + 1];
        if (second === 0) continue;
        if ((second & SPILLED) === 0) {
          candidates[count++] = second - 1;
          continue;
        }
        const start = (second & ~SPILLED) + 1;
        const end = start + overflow[start - 1];
        candidates = this.reserveCandidates(count + end - start + 2 * (masks.length - probe));
        for (let position = start; position < end; position++) candidates[count++] = overflow[position];
      }
    }
    const candidates = this.candidates;
    let touched = 0;
    for (let i = 0; i < count; i++) touched ^= words[candidates[i] * wordsPerHash];
    this.touchSink = touched;
    for (let i = 0; i < count; i++) {
      const distance = wordDistance(words, candidates[i], wordsPerHash, query, threshold);
      if (distance <= threshold) hits.push(candidates[i], distance);
    }
    return hits.take();
  }

  serialize(): Uint8Array {
    return new Uint8Array(this.data.buffer, this.data.byteOffset, this.data.byteLength);
  }

  private reserveCandidates(length: number): Uint32Array {
    if (this.candidates.length < length) {
      const grown = new Uint32Array(Math.max(length, this.candidates.length * 2));
      grown.set(this.candidates);
      this.candidates = grown;
    }
    return this.candidates;
  }

  /** A loaded index must not send a query out of bounds: every id is a position, every spill is in the area. */
  private checkStructure(): void {
    const { count } = this.array;
    const { slots, overflow } = this;
    for (let slot = 0; slot < slots.length; slot++) {
      const value = slots[slot];
      if (slot % 2 === 1 && value & SPILLED) {
        const start = (value & ~SPILLED) + 1;
        if (start > overflow.length || start + overflow[start - 1] > overflow.length) {
          throw new RangeError('index overflow out of range');
        }
      } else if (value > count) throw new RangeError('index id out of range');
    }
    for (let i = 0; i < overflow.length; i++) if (overflow[i] >= count) throw new RangeError('index id out of range');
  }
}

/** `bits` (<= 24) bits of a hash starting at bit `start` (bit 0 = lowest bit of word 0), as an unsigned key. */
function chunkKey(words: Uint32Array, base: number, start: number, bits: number): number {
  const word = base + (start >>> 5);
  const shift = start & 31;
  let value = words[word] >>> shift;
  if (shift + bits > 32) value |= words[word + 1] << (32 - shift);
  return value & ((1 << bits) - 1);
}
