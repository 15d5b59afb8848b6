/**
 * The fast box filters in pdq.ts (four rows at a time, fused column sweeps, reused scratch space) against the
 * reference's plain definition: every row, then every column, one at a time, twice, then decimation. Bit-identical on
 * random images of every shape, including heights that are not multiples of four and images smaller than the window.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { downsampleTo64 } from '../../src/hashing/pdq.js';

const f = Math.fround;

/** The reference's box1DFloat, one vector at a time. */
function box1D(input: Float32Array, output: Float32Array, start: number, length: number, stride: number, window: number) {
  const half = Math.floor((window + 2) / 2);
  let [left, right, out, sum, count] = [start, start, start, 0, 0];
  for (let i = 0; i < half - 1; i++, right += stride, count++) sum = f(sum + input[right]);
  for (let i = 0; i < window - half + 1; i++, right += stride, out += stride) {
    sum = f(sum + input[right]);
    output[out] = sum / ++count;
  }
  for (let i = 0; i < length - window; i++, left += stride, right += stride, out += stride) {
    sum = f(f(sum + input[right]) - input[left]);
    output[out] = sum / count;
  }
  for (let i = 0; i < half - 1; i++, left += stride, out += stride) {
    sum = f(sum - input[left]);
    output[out] = sum / --count;
  }
}

function plainDownsample(luma: Float32Array, width: number, height: number): Float32Array {
  const windowOf = (size: number) => Math.floor((size + 127) / 128);
  const scratch = new Float32Array(luma.length);
  for (let pass = 0; pass < 2; pass++) {
    for (let row = 0; row < height; row++) box1D(luma, scratch, row * width, width, 1, windowOf(width));
    for (let col = 0; col < width; col++) box1D(scratch, luma, col, height, width, windowOf(height));
  }
  const out = new Float32Array(64 * 64);
  const sample = (i: number, size: number) => Math.trunc(((i + 0.5) * size) / 64);
  for (let i = 0; i < 64; i++) {
    for (let j = 0; j < 64; j++) out[i * 64 + j] = luma[sample(i, height) * width + sample(j, width)];
  }
  return out;
}

describe('PDQ downsampling', () => {
  it('equals the plain row-then-column definition bit for bit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 300 }), fc.integer(), (width, height, seed) => {
        const luma = new Float32Array(width * height);
        let state = seed;
        for (let i = 0; i < luma.length; i++) {
          state = (Math.imul(state, 1103515245) + 12345) | 0;
          luma[i] = f(((state >>> 8) & 0xffff) / 257);
        }
        const expected = plainDownsample(Float32Array.from(luma), width, height);
        expect(downsampleTo64({ luma, width, height })).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });
});
