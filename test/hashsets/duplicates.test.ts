import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { duplicateIndexes } from '../../src/hashsets/duplicates.js';

describe('duplicateIndexes', () => {
  it('agrees with a string set on arrays full of repeats and shared prefixes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 300 }), (picks) => {
        const width = 16;
        // Hashes that share their first 12 bytes, so that the table's probing is exercised.
        const hashes = new Uint8Array(picks.length * width);
        picks.forEach((pick, i) => hashes.set([pick & 3, pick >> 2], i * width + 12));
        const found = [...duplicateIndexes({ signal: 'md5', count: picks.length, width, hashes })];
        const first = new Map<number, number>();
        const expected: [number, number][] = [];
        picks.forEach((pick, i) => (first.has(pick) ? expected.push([i, first.get(pick) as number]) : first.set(pick, i)));
        expect(found).toEqual(expected);
      }),
    );
  });
});
