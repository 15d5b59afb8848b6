import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { popcount32, popcountSum3 } from '../../src/core/hex.js';
import { wordDistance } from '../../src/matching/hamming.js';

/** Bit by bit: the reference the SWAR counts are held to. */
function slowDistance(a: Uint32Array, b: Uint32Array): number {
  let distance = 0;
  for (let w = 0; w < a.length; w++) for (let bit = 0; bit < 32; bit++) distance += ((a[w] ^ b[w]) >>> bit) & 1;
  return distance;
}

const word = fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(0, 0xffffffff, 0x80000000, 0x7fffffff));

describe('popcounts', () => {
  it('popcountSum3 counts the set bits of three words, signed or not', () => {
    fc.assert(
      fc.property(word, word, word, (a, b, c) => {
        const expected = popcount32(a) + popcount32(b) + popcount32(c);
        expect(popcountSum3(a, b, c)).toBe(expected);
        expect(popcountSum3(a | 0, b | 0, c | 0)).toBe(expected);
      }),
    );
    expect(popcountSum3(0xffffffff, 0xffffffff, 0xffffffff)).toBe(96);
  });
});

describe('wordDistance', () => {
  it('is exact up to the limit and over it past the limit, for 256-bit and other widths', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(2, 4, 8),
        fc.array(word, { minLength: 16, maxLength: 16 }),
        fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 60 }),
        fc.integer({ min: 0, max: 256 }),
        (wordsPerHash, words, flips, limit) => {
          const hashes = Uint32Array.from(words.slice(0, 2 * wordsPerHash));
          const query = hashes.slice(wordsPerHash, 2 * wordsPerHash);
          // Query 1 is hash 1 with some bits flipped, so both near and far pairs occur.
          for (const bit of flips) if (bit < wordsPerHash * 32) query[bit >>> 5] ^= 1 << (bit & 31);
          for (const id of [0, 1]) {
            const exact = slowDistance(hashes.subarray(id * wordsPerHash, (id + 1) * wordsPerHash), query);
            const distance = wordDistance(hashes, id, wordsPerHash, query, limit);
            if (exact <= limit) expect(distance).toBe(exact);
            else expect(distance).toBeGreaterThan(limit);
          }
        },
      ),
    );
  });
});
