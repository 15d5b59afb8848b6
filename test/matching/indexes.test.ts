import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SignalArray } from '../../src/core/hashset.js';
import { ExactIndex } from '../../src/matching/exact-index.js';
import { flipMasks, probeCount } from '../../src/matching/flip-masks.js';
import { LinearIndex } from '../../src/matching/linear-index.js';
import { MihIndex } from '../../src/matching/mih-index.js';
import { chooseLayout, chunkRadius, costExceedsScan } from '../../src/matching/mih-layout.js';
import { probePlan } from '../../src/matching/probe-plan.js';

const WIDTH = 32;
const THRESHOLDS = [0, 8, 16, 31, 40];
/** Layouts of every shape the chooser may pick: radius 0/1/2/3 chunks, uneven slices, ignored tail bits. */
const LAYOUTS = [
  { chunks: 11, bits: 12 },
  { chunks: 16, bits: 8 },
  { chunks: 8, bits: 10 },
  { chunks: 5, bits: 14 },
];

function flip(hash: Uint8Array, bits: number[]): Uint8Array {
  const copy = hash.slice();
  for (const bit of new Set(bits)) copy[bit >>> 3] ^= 1 << (bit & 7);
  return copy;
}

/**
 * A set made of cluster centres, near-duplicates of them at 0..40 bits, and a skewed block of hashes sharing long
 * runs of zero bits (like the hashes of near-blank images), which piles many ids into the same buckets.
 */
const clusteredSet = fc
  .record({
    centres: fc.array(fc.uint8Array({ minLength: WIDTH, maxLength: WIDTH }), { minLength: 1, maxLength: 12 }),
    nearDuplicates: fc.array(
      fc.record({ centre: fc.nat(), bits: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 40 }) }),
      { maxLength: 80 },
    ),
    skewed: fc.array(fc.uint8Array({ minLength: 4, maxLength: 4 }), { maxLength: 30 }),
  })
  .map(({ centres, nearDuplicates, skewed }) => {
    const hashes = [
      ...centres,
      ...nearDuplicates.map(({ centre, bits }) => flip(centres[centre % centres.length], bits)),
      ...skewed.map((tail) => {
        const hash = new Uint8Array(WIDTH);
        hash.set(tail, WIDTH - 4);
        return hash;
      }),
    ];
    const bytes = new Uint8Array(hashes.length * WIDTH);
    hashes.forEach((hash, i) => bytes.set(hash, i * WIDTH));
    return { signal: 'pdq', count: hashes.length, width: WIDTH, hashes: bytes } satisfies SignalArray;
  });

/** Queries near set members (0..40 bits away), plus fully random ones and the all-zero hash of the skewed block. */
const queriesFor = (set: SignalArray) =>
  fc.array(
    fc.oneof(
      fc
        .record({ member: fc.nat(), bits: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 40 }) })
        .map(({ member, bits }) => {
          const i = member % set.count;
          return flip(set.hashes.subarray(i * WIDTH, (i + 1) * WIDTH), bits);
        }),
      fc.uint8Array({ minLength: WIDTH, maxLength: WIDTH }),
      fc.constant(new Uint8Array(WIDTH)),
    ),
    { minLength: 1, maxLength: 10 },
  );

describe('multi-index hashing returns exactly what brute force returns', () => {
  for (const layout of LAYOUTS) {
    it(`layout ${layout.chunks}x${layout.bits}, thresholds ${THRESHOLDS.join(', ')}`, () => {
      fc.assert(
        fc.property(
          clusteredSet.chain((set) => fc.tuple(fc.constant(set), queriesFor(set))),
          ([set, queries]) => {
            const mih = MihIndex.build(set, layout);
            const linear = new LinearIndex(set);
            for (const query of queries) {
              for (const threshold of THRESHOLDS) {
                expect(mih.query(query, threshold)).toEqual(linear.query(query, threshold));
              }
            }
          },
        ),
        { numRuns: 40 },
      );
    });
  }

  it('finds planted near-duplicates in a random set of 20,000 hashes at every distance up to the threshold', () => {
    const count = 20_000;
    const bytes = new Uint8Array(count * WIDTH);
    let seed = 12345;
    for (let i = 0; i < bytes.length; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      bytes[i] = seed >>> 24;
    }
    const set: SignalArray = { signal: 'pdq', count, width: WIDTH, hashes: bytes };
    const layout = chooseLayout(256, count, 31);
    expect(layout).toBeDefined();
    const mih = MihIndex.build(set, layout!);
    const linear = new LinearIndex(set);
    for (let distance = 0; distance <= 40; distance++) {
      const member = (distance * 487) % count;
      const bits = Array.from({ length: distance }, (_, k) => (k * 37 + distance) % 256);
      const query = flip(bytes.subarray(member * WIDTH, (member + 1) * WIDTH), bits);
      for (const threshold of THRESHOLDS) {
        const hits = mih.query(query, threshold);
        expect(hits).toEqual(linear.query(query, threshold));
        expect(hits.some((hit) => hit.index === member)).toBe(distance <= threshold);
      }
    }
  });

  it('agrees with brute force past one probe block and past a full candidate buffer (skewed bucket of 20,000 ids)', () => {
    // 5 chunks of 18 bits at threshold 20: 8,000 probes (two blocks) and cheaper than a scan, so the MIH path runs;
    // 20,000 hashes share chunk 0's bits, so one spilled run holds more ids than the candidate buffer.
    const count = 50_000;
    const layout = { chunks: 5, bits: 18 };
    const bytes = new Uint8Array(count * WIDTH);
    let seed = 777;
    for (let i = 0; i < bytes.length; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      bytes[i] = seed >>> 24;
    }
    for (let i = count - 20_000; i < count; i++) bytes.fill(0, i * WIDTH, i * WIDTH + 3);
    const set: SignalArray = { signal: 'pdq', count, width: WIDTH, hashes: bytes };
    expect(probePlan(layout, 20).doubledMasks.length).toBeGreaterThan(2 * 4096 - 500);
    expect(costExceedsScan(layout, count, 20)).toBe(false);
    const mih = MihIndex.build(set, layout);
    const linear = new LinearIndex(set);
    const members = [3, 4_321, 29_999, 30_000, 41_234, count - 1];
    const member = (i: number) => bytes.subarray(i * WIDTH, (i + 1) * WIDTH);
    // Far in chunks 0 and 1 (6 bits each), equal elsewhere: only the second block's probes (chunks 2-4) find these.
    const farInFirstChunks = [0, 1, 2, 3, 4, 5, 51, 52, 53, 54, 55, 56];
    const queries = [
      new Uint8Array(WIDTH),
      ...members.map((i, k) => flip(member(i), [k, 40 + 9 * k, 200 - k])),
      ...members.map((i) => flip(member(i), farInFirstChunks)),
    ];
    for (const query of queries) {
      for (const threshold of [0, 8, 16, 20]) expect(mih.query(query, threshold)).toEqual(linear.query(query, threshold));
    }
    expect(mih.query(queries.at(-1)!, 20).some((hit) => hit.index === count - 1)).toBe(true);
  });

  it('survives a round trip through serialize', () => {
    fc.assert(
      fc.property(clusteredSet, queriesFor({ signal: 'pdq', count: 1, width: WIDTH, hashes: new Uint8Array(WIDTH) }), (set, queries) => {
        const built = MihIndex.build(set, { chunks: 11, bits: 12 });
        const loaded = MihIndex.deserialize(set, built.serialize().slice());
        for (const query of queries) expect(loaded.query(query, 31)).toEqual(built.query(query, 31));
      }),
      { numRuns: 20 },
    );
  });

  it('refuses index data that does not fit the set or points outside it', () => {
    const set: SignalArray = { signal: 'pdq', count: 2, width: WIDTH, hashes: new Uint8Array(2 * WIDTH) };
    const data = MihIndex.build(set, { chunks: 16, bits: 8 }).serialize().slice();
    expect(() => MihIndex.deserialize({ ...set, count: 3, hashes: new Uint8Array(3 * WIDTH) }, data)).toThrow(RangeError);
    expect(() => MihIndex.deserialize(set, data.subarray(0, data.length - 4))).toThrow(RangeError);
    const ids = new Uint32Array(data.buffer);
    ids[ids.length - 1] = 7;
    expect(() => MihIndex.deserialize(set, data)).toThrow(RangeError);
  });
});

describe('chunk radii (pigeonhole, Norouzi et al. refinement)', () => {
  it('cover every way of spreading t differing bits over the chunks', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 20 }), fc.integer({ min: 0, max: 64 }), fc.nat(), (chunks, threshold, seed) => {
        // Spread exactly `threshold` bits over the chunks at random: some chunk must be within its radius.
        const spread = new Array<number>(chunks).fill(0);
        let s = seed;
        for (let k = 0; k < threshold; k++) {
          s = (Math.imul(s, 1103515245) + 12345) >>> 0;
          spread[s % chunks]++;
        }
        expect(spread.some((bits, chunk) => bits <= chunkRadius(chunk, chunks, threshold))).toBe(true);
      }),
    );
  });

  it('enumerate each mask within the radius once', () => {
    const masks = flipMasks(10, 3);
    expect(masks.length).toBe(probeCount(10, 3));
    expect(new Set(masks).size).toBe(masks.length);
    expect([...masks].every((mask) => mask < 1024 && mask.toString(2).replace(/0/g, '').length <= 3)).toBe(true);
  });

  it('leave small sets and huge thresholds to a linear scan', () => {
    expect(chooseLayout(256, 10, 31)).toBeUndefined();
    expect(chooseLayout(256, 10_000_000, 31)).toEqual({ chunks: 11, bits: 23 });
  });
});

describe('exact index', () => {
  it('finds every copy of a hash and nothing else', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 16, maxLength: 16 }), { minLength: 1, maxLength: 60 }), (hashes) => {
        const all = [...hashes, hashes[0]];
        const bytes = new Uint8Array(all.length * 16);
        all.forEach((hash, i) => bytes.set(hash, i * 16));
        const array: SignalArray = { signal: 'md5', count: all.length, width: 16, hashes: bytes };
        const index = new ExactIndex(array);
        const loaded = ExactIndex.deserialize(array, index.serialize().slice());
        for (const hash of all) {
          const expected = all.flatMap((other, i) => (Buffer.from(other).equals(Buffer.from(hash)) ? [{ index: i, distance: 0 }] : []));
          expect(index.query(hash)).toEqual(expected);
          expect(loaded.query(hash)).toEqual(expected);
        }
        expect(index.query(new Uint8Array(16).fill(0xab)).length).toBe(all.filter((h) => h.every((b) => b === 0xab)).length);
      }),
    );
  });
});
