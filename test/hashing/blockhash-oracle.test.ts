/**
 * Our blockhash against blockhash-core 0.1.0 itself (the implementation the published values come from), on random
 * images of every shape: sizes divisible by 16 or not, narrower or shorter than the grid, single pixels; contents
 * mixing fully transparent, partly transparent and opaque pixels, and flat images where every block ties the median.
 */
import { bmvbhash, bmvbhashEven } from 'blockhash-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blockhashPrecise, blockhashQuick } from '../../src/hashing/blockhash.js';
import type { RgbaImage } from '../../src/hashing/decode.js';

/** Sides up to 300, weighted towards the edge cases: under the grid's 16, exact multiples of 16, one pixel. */
const side = fc.oneof(
  fc.integer({ min: 1, max: 300 }),
  fc.integer({ min: 1, max: 15 }),
  fc.integer({ min: 1, max: 18 }).map((k) => k * 16),
  fc.constant(1),
);

const ALPHA_MODES = ['opaque', 'transparent-or-opaque', 'any', 'all-transparent'] as const;
const COLOUR_MODES = ['noise', 'flat', 'black-or-white', 'gradient'] as const;

/** mulberry32: a small seeded generator, so that big images come from a shrinkable seed rather than megabytes. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function synthesise(
  width: number,
  height: number,
  seed: number,
  alphaMode: (typeof ALPHA_MODES)[number],
  colourMode: (typeof COLOUR_MODES)[number],
): RgbaImage {
  const next = random(seed);
  const byte = () => Math.floor(next() * 256);
  const flat = byte();
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      for (let c = 0; c < 3; c++) {
        if (colourMode === 'noise') data[i + c] = byte();
        else if (colourMode === 'flat') data[i + c] = flat;
        else if (colourMode === 'black-or-white') data[i + c] = next() < 0.5 ? 0 : 255;
        else data[i + c] = Math.floor(((x + y * c) * 255) / (width + height * 2)) & 255;
      }
      if (alphaMode === 'opaque') data[i + 3] = 255;
      else if (alphaMode === 'transparent-or-opaque') data[i + 3] = next() < 0.5 ? 0 : 255;
      else if (alphaMode === 'any') data[i + 3] = next() < 0.3 ? 0 : byte();
    }
  }
  return { width, height, data };
}

const synthetic = fc
  .record({
    width: side,
    height: side,
    seed: fc.integer(),
    alphaMode: fc.constantFrom(...ALPHA_MODES),
    colourMode: fc.constantFrom(...COLOUR_MODES),
  })
  .map(({ width, height, seed, alphaMode, colourMode }) => synthesise(width, height, seed, alphaMode, colourMode));

/** Small images with every byte drawn (and shrunk) by fast-check itself. */
const arbitrary = fc
  .record({ width: fc.integer({ min: 1, max: 40 }), height: fc.integer({ min: 1, max: 40 }) })
  .chain(({ width, height }) =>
    fc
      .uint8Array({ minLength: width * height * 4, maxLength: width * height * 4 })
      .map((data): RgbaImage => ({ width, height, data })),
  );

function expectSameAsOracle(image: RgbaImage) {
  expect(blockhashPrecise(image)).toBe(bmvbhash(image, 16));
  expect(blockhashQuick(image)).toBe(bmvbhashEven(image, 16));
}

/** The same pixels at an odd byte offset in a larger buffer: the path without the aligned 32-bit view. */
function unaligned(image: RgbaImage): RgbaImage {
  const buffer = new Uint8Array(image.data.length + 1);
  buffer.set(image.data, 1);
  return { ...image, data: buffer.subarray(1) };
}

describe('blockhash is bit-identical to blockhash-core', () => {
  it('on random images of every shape and transparency', () => {
    fc.assert(fc.property(synthetic, expectSameAsOracle), { numRuns: 300 });
  });

  it('on small images of arbitrary bytes', () => {
    fc.assert(fc.property(arbitrary, expectSameAsOracle), { numRuns: 300 });
  });

  it('when the pixel buffer is not 4-byte aligned', () => {
    fc.assert(
      fc.property(synthetic, (image) => {
        const moved = unaligned(image);
        expect(moved.data.byteOffset % 4).not.toBe(0);
        expect(blockhashPrecise(moved)).toBe(bmvbhash(image, 16));
        expect(blockhashQuick(moved)).toBe(bmvbhashEven(image, 16));
      }),
      { numRuns: 50 },
    );
  });

  it('at a reference image size, on both sides of the median tie rule', () => {
    // 1600x1004: the size of most PDQ reference images; flat white makes every block tie a median above half.
    for (const colourMode of ['noise', 'flat'] as const) {
      expectSameAsOracle(synthesise(1600, 1004, 7, 'any', colourMode));
    }
    expectSameAsOracle({ width: 1600, height: 1004, data: new Uint8Array(1600 * 1004 * 4).fill(255) });
  });

  it('refuses a pixel buffer too short for the size it claims, with one clear line', () => {
    const image = { width: 20, height: 20, data: new Uint8Array(20 * 20 * 4 - 1) };
    for (const hash of [blockhashPrecise, blockhashQuick]) {
      expect(() => hash(image)).toThrow(/^blockhash: 1599 bytes cannot hold 20x20 RGBA pixels$/);
    }
  });
});
