import type { SignalArray } from '../core/hashset.js';
import { hashWords, wordDistance } from './hamming.js';
import { sharedWords, WordIndex, type HashIndex, type IndexHit } from './hash-index.js';
import { LinearIndex } from './linear-index.js';
import { costExceedsScan, type MihLayout } from './mih-layout.js';
import { probePlan, type ProbePlan } from './probe-plan.js';

/** chunks, bits, count, width, overflow length. */
const HEADER_WORDS = 5;
/** Set in a bucket's second slot when the bucket holds more than two ids: the rest is in the overflow area. */
const SPILLED = 0x80000000;

/**
 * Bucket probes per block of a query: the scratch buffers below hold one block, and the block's touched buckets
 * (4,096 cache lines, 256 KB) stay in the 1 MB L2 cache until pass 2 reads them again.
 */
const PROBE_BLOCK = 4096;
/*
 * The query loops' scratch, module constants on purpose: V8 compiles accesses to a typed array it knows as a constant
 * without reloading its length and data pointer each time, measured ~12 % faster queries than the same buffers held
 * in fields. Queries are synchronous, so one set per thread serves every index.
 */
/** Overflow offsets of the block's spilled buckets. */
const spills = new Int32Array(PROBE_BLOCK);
/** Candidate ids: the block's inline ones (at most two per probe), then spilled runs, checked when it fills. */
const candidates = new Int32Array(4 * PROBE_BLOCK);

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
 * A query is memory-latency bound (at 10M hashes, 11x23: ~2,800 random bucket reads in 700 MB of tables and ~3,300
 * random hash reads in 320 MB), so its loops are arranged to keep many cache misses in flight: touch every probed
 * bucket, read them again from the cache into candidates, touch every candidate's hash, then check. Measured at 10M
 * with bench/matching.js on the shared 2-core machine (Node 20.20, CPU time, back-to-back runs): 5,320 queries/s
 * single-threaded against 3,870 for the previous gather-with-branches loop (1.37x); at 1M, 12,230 against 13,070
 * (0.94x: buckets there are mostly empty, so the old loop's branches were mostly predicted right).
 *
 * Everything lives in one Uint32Array (header, slots, overflow), so saving is one write and loading one read.
 */
export class MihIndex extends WordIndex implements HashIndex {
  readonly kind = 'mih';
  readonly layout: MihLayout;
  private readonly slice: number;
  /** The bucket slots read as signed words: a spill's top bit is then the sign, and every read stays a small int. */
  private readonly slots: Int32Array;
  private readonly overflow: Int32Array;
  private readonly scan: LinearIndex;
  /** Keeps the touch loads from being optimised away. */
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
    this.slots = new Int32Array(data.buffer, data.byteOffset + HEADER_WORDS * 4, slotsLength);
    this.overflow = new Int32Array(data.buffer, this.slots.byteOffset + slotsLength * 4, data[4]);
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
    if (costExceedsScan(this.layout, this.array.count, threshold)) return this.scan.query(hash, threshold);
    const query = this.loadQuery(hash);
    const plan = probePlan(this.layout, threshold);
    const probes = plan.doubledMasks.length;
    for (let from = 0; from < probes; from += PROBE_BLOCK) {
      this.searchBlock(query, plan, from, Math.min(probes, from + PROBE_BLOCK), threshold);
    }
    return this.hits.take();
  }

  /**
   * Probes `from` up to `to` of the plan. Each loop that takes cache misses has no branch on the data it loads: a
   * branch on a missing load is mispredicted about half the time (buckets hold Poisson(1.2) ids), and each
   * mispredict waits for its load, which kept only one or two misses in flight.
   */
  private searchBlock(query: Uint32Array, plan: ProbePlan, from: number, to: number, threshold: number): void {
    const { bits } = this.layout;
    const { slots, overflow, slice } = this;
    const { chunks, starts, doubledMasks } = plan;
    // Pass 1: touch every probed bucket (pure loads, all independent, no stores to hold them back).
    let touchedBuckets = 0;
    for (let i = 0; i < chunks.length; i++) {
      const slot = homeSlot(query, chunks[i], bits, slice);
      const end = Math.min(to, starts[i + 1]);
      for (let probe = Math.max(from, starts[i]); probe < end; probe++) touchedBuckets ^= slots[slot ^ doubledMasks[probe]];
    }
    this.touchSink = touchedBuckets;
    // Pass 2, the same buckets again, now cached: inline ids become candidates, spilled buckets are noted. Always written, counted only
    // when real (an empty slot is 0, a spill has the top bit set; `(x | -x) >>> 31` is 1 for any non-zero x).
    let count = 0;
    let spilled = 0;
    for (let i = 0; i < chunks.length; i++) {
      const slot = homeSlot(query, chunks[i], bits, slice);
      const end = Math.min(to, starts[i + 1]);
      for (let probe = Math.max(from, starts[i]); probe < end; probe++) {
        const probedSlot = slot ^ doubledMasks[probe];
        const first = slots[probedSlot];
        const second = slots[probedSlot + 1];
        const spill = second >>> 31;
        candidates[count] = first - 1;
        count += (first | -first) >>> 31;
        candidates[count] = second - 1;
        count += ((second | -second) >>> 31) ^ spill;
        spills[spilled] = second & ~SPILLED;
        spilled += spill;
      }
    }
    // Pass 3: the spilled runs' lengths (independent loads again), then their ids, checked whenever the buffer fills.
    let touched = 0;
    for (let i = 0; i < spilled; i++) touched ^= overflow[spills[i]];
    this.touchSink = touched;
    for (let i = 0; i < spilled; i++) {
      const start = spills[i] + 1;
      const end = start + overflow[start - 1];
      for (let position = start; position < end; position++) {
        if (count === candidates.length) count = this.checkCandidates(query, count, threshold);
        candidates[count++] = overflow[position];
      }
    }
    this.checkCandidates(query, count, threshold);
  }

  /** Hits among the first `count` candidates; returns 0, the candidates left to check. */
  private checkCandidates(query: Uint32Array, count: number, threshold: number): number {
    const { words, wordsPerHash, hits } = this;
    // Touch every candidate's hash first (independent loads whose misses overlap), then check them from the cache.
    let touched = 0;
    for (let i = 0; i < count; i++) touched ^= words[candidates[i] * wordsPerHash];
    this.touchSink = touched;
    for (let i = 0; i < count; i++) {
      const distance = wordDistance(words, candidates[i], wordsPerHash, query, threshold);
      if (distance <= threshold) hits.push(candidates[i], distance);
    }
    return 0;
  }

  serialize(): Uint8Array {
    return new Uint8Array(this.data.buffer, this.data.byteOffset, this.data.byteLength);
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
      } else if (value < 0 || value > count) throw new RangeError('index id out of range');
    }
    for (let i = 0; i < overflow.length; i++) {
      if (overflow[i] < 0 || overflow[i] >= count) throw new RangeError('index id out of range');
    }
  }
}

/** The first slot of the query's own bucket in `chunk`'s table; every probe of that chunk is it XOR a doubled mask. */
function homeSlot(query: Uint32Array, chunk: number, bits: number, slice: number): number {
  return chunk * 2 ** (bits + 1) + 2 * chunkKey(query, 0, chunk * slice, bits);
}

/** `bits` (<= 24) bits of a hash starting at bit `start` (bit 0 = lowest bit of word 0), as an unsigned key. */
function chunkKey(words: Uint32Array, base: number, start: number, bits: number): number {
  const word = base + (start >>> 5);
  const shift = start & 31;
  let value = words[word] >>> shift;
  if (shift + bits > 32) value |= words[word + 1] << (32 - shift);
  return value & ((1 << bits) - 1);
}
