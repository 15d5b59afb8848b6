/**
 * The WebAssembly kernel (SIMD lanes over four rows or four columns, the second pass down the sampled columns only,
 * reused memory) against the reference's plain definition written out in JavaScript: luma, every row, then every
 * column, one at a time, twice, then decimation; and the DCT as two plain matrix products. Bit-identical on random
 * images of every shape and pixel layout, including sizes that are not multiples of four and images smaller than the
 * window.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dct16, downsampleTo64 } from '../../src/hashing/pdq-kernel.js';

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

/** The reference's luma: f(f(R·0.299f + G·0.587f) + B·0.114f), or channel 0 of a grey image. */
function plainLuma(pixels: Uint8Array, count: number, channels: number, grey: boolean): Float32Array {
  const luma = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const p = i * channels;
    luma[i] = grey
      ? pixels[p]
      : f(f(f(f(0.299) * pixels[p]) + f(f(0.587) * pixels[p + 1])) + f(f(0.114) * pixels[p + 2]));
  }
  return luma;
}

function plainDct(buffer64: Float32Array): Float32Array {
  const d = (i: number, j: number) => f(f(Math.sqrt(2 / 64)) * Math.cos((Math.PI / 2 / 64) * (i + 1) * (2 * j + 1)));
  const temp = new Float32Array(16 * 64);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 64; j++) {
      let sum = 0;
      for (let k = 0; k < 64; k++) sum = f(sum + f(d(i, k) * buffer64[k * 64 + j]));
      temp[i * 64 + j] = sum;
    }
  }
  const out = new Float32Array(256);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      let sum = 0;
      for (let k = 0; k < 64; k++) sum = f(sum + f(temp[i * 64 + k] * d(j, k)));
      out[i * 16 + j] = sum;
    }
  }
  return out;
}

const pixelImage = fc
  .record({
    width: fc.integer({ min: 1, max: 300 }),
    height: fc.integer({ min: 1, max: 300 }),
    channels: fc.integer({ min: 1, max: 4 }),
    grey: fc.boolean(),
    seed: fc.integer(),
  })
  .map(({ width, height, channels, grey, seed }) => {
    const data = new Uint8Array(width * height * channels);
    let state = seed;
    for (let i = 0; i < data.length; i++) {
      state = (Math.imul(state, 1103515245) + 12345) | 0;
      data[i] = (state >>> 16) & 0xff;
    }
    return { data, width, height, channels, grey: grey || channels <= 2 };
  });

describe('PDQ kernel', () => {
  it('downsamples exactly as the plain row-then-column definition, for every pixel layout', () => {
    fc.assert(
      fc.property(pixelImage, (image) => {
        const luma = plainLuma(image.data, image.width * image.height, image.channels, image.grey);
        expect(downsampleTo64(image)).toEqual(plainDownsample(luma, image.width, image.height));
      }),
      { numRuns: 80 },
    );
  });

  it('computes the DCT exactly as the plain matrix products', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ min: 0, max: 255, noNaN: true }), { minLength: 4096, maxLength: 4096 }), (values) => {
        const buffer64 = Float32Array.from(values);
        expect(dct16(buffer64)).toEqual(plainDct(buffer64));
      }),
      { numRuns: 20 },
    );
  });

  it('gives a huge image a kernel of its own and still the same answer', () => {
    const width = 4100;
    const height = 4100;
    const data = new Uint8Array(width * height * 4).map((_, i) => (i * 7919) % 251);
    const luma = plainLuma(data, width * height, 4, false);
    expect(downsampleTo64({ data, width, height, channels: 4 })).toEqual(plainDownsample(luma, width, height));
  });

  it('refuses a pixel buffer too short for its size instead of reading past it', () => {
    expect(() => downsampleTo64({ data: new Uint8Array(10), width: 4, height: 4, channels: 3 })).toThrow(/cannot hold 4x4 pixels/);
  });
});
