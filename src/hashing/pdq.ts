/**
 * PDQ, Meta's perceptual image hash, ported from the reference C++ (facebook/ThreatExchange pdq/cpp).
 * Stages: luma → two passes of Jarosz box filters → 64x64 decimation → quality from image gradients → 16x16 DCT →
 * median → 256 bits. Every stage keeps the reference's order of operations and its single-precision arithmetic
 * (`f` rounds to float32 after each operation, Float32Array rounds on store). A float64 port matches the reference
 * hashes too, except where two DCT values straddle the median closer than float32's rounding error: on the reference
 * set, the rot180 and flipminus1 hashes of q0003.jpg (2 bits each). This one matches all of them.
 */
import { DIHEDRAL_VARIANTS, type DihedralVariant } from '../core/records.js';

const f = Math.fround;

const LUMA_R = f(0.299);
const LUMA_G = f(0.587);
const LUMA_B = f(0.114);
const DOWNSAMPLE = 64;
const DCT_SIZE = 16;
const JAROSZ_PASSES = 2;

/** f(coefficient × v) for every 8-bit v: the reference's float32 products, looked up instead of recomputed. */
const productTable = (coefficient: number) => Float32Array.from({ length: 256 }, (_, v) => f(coefficient * v));
const RED_PRODUCTS = productTable(LUMA_R);
const GREEN_PRODUCTS = productTable(LUMA_G);
const BLUE_PRODUCTS = productTable(LUMA_B);

/** A single-channel image: one float32 per pixel, row-major. */
export interface LumaImage {
  luma: Float32Array;
  width: number;
  height: number;
}

export interface PdqResult {
  /** 64 lowercase hex digits, in the reference's word order. */
  hash: string;
  quality: number;
}

/**
 * Luma from interleaved 8-bit pixels. A grey source (by default: one or two channels) is used as luma directly, as
 * the reference does; pass `grey` when a grey image was expanded to R=G=B. `into`, when given (and large enough),
 * receives the luma instead of a new array: video frames of one size reuse one buffer.
 */
export function lumaFromPixels(
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: number,
  grey = channels <= 2,
  into?: Float32Array,
): LumaImage {
  const count = width * height;
  const luma = into && into.length >= count ? into.subarray(0, count) : new Float32Array(count);
  if (grey) {
    for (let i = 0, p = 0; i < count; i++, p += channels) luma[i] = pixels[p];
  } else {
    for (let i = 0, p = 0; i < count; i++, p += channels) {
      luma[i] = f(f(RED_PRODUCTS[pixels[p]] + GREEN_PRODUCTS[pixels[p + 1]]) + BLUE_PRODUCTS[pixels[p + 2]]);
    }
  }
  return { luma, width, height };
}

/** Window of the Jarosz filter for one dimension: ceil(old / (2 * new)), as the reference computes it. */
function jaroszWindowSize(oldDimension: number, newDimension: number): number {
  return Math.floor((oldDimension + 2 * newDimension - 1) / (2 * newDimension));
}

/**
 * One box-filter pass over a 1-D vector (the reference's box1DFloat): the window grows at the start and shrinks at
 * the end, so every output is the mean of the in-range samples around it.
 */
function boxFilter1D(
  input: Float32Array,
  output: Float32Array,
  start: number,
  length: number,
  stride: number,
  window: number,
): void {
  const half = Math.floor((window + 2) / 2);
  const phase1 = half - 1;
  const phase2 = window - half + 1;
  const phase3 = length - window;
  const phase4 = half - 1;
  let left = start;
  let right = start;
  let out = start;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < phase1; i++) {
    sum = f(sum + input[right]);
    count++;
    right += stride;
  }
  for (let i = 0; i < phase2; i++) {
    sum = f(sum + input[right]);
    count++;
    output[out] = sum / count;
    right += stride;
    out += stride;
  }
  for (let i = 0; i < phase3; i++) {
    sum = f(sum + input[right]);
    sum = f(sum - input[left]);
    output[out] = sum / count;
    left += stride;
    right += stride;
    out += stride;
  }
  for (let i = 0; i < phase4; i++) {
    sum = f(sum - input[left]);
    count--;
    output[out] = sum / count;
    left += stride;
    out += stride;
  }
}

/**
 * boxFilter1D along four consecutive rows at once, with the same arithmetic per row. Each row's running sum is a chain
 * of dependent float32 additions; four independent chains side by side let the CPU overlap them (about 3x faster).
 */
function boxFilter4Rows(input: Float32Array, output: Float32Array, firstRow: number, width: number, window: number): void {
  const a = firstRow * width;
  const b = a + width;
  const c = b + width;
  const d = c + width;
  const half = Math.floor((window + 2) / 2);
  const phase1 = half - 1;
  const phase2 = window - half + 1;
  const phase3 = width - window;
  const phase4 = half - 1;
  let left = 0;
  let right = 0;
  let out = 0;
  let count = 0;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let i = 0; i < phase1 + phase2; i++, right++) {
    s0 = f(s0 + input[a + right]);
    s1 = f(s1 + input[b + right]);
    s2 = f(s2 + input[c + right]);
    s3 = f(s3 + input[d + right]);
    count++;
    if (i < phase1) continue;
    output[a + out] = s0 / count;
    output[b + out] = s1 / count;
    output[c + out] = s2 / count;
    output[d + out] = s3 / count;
    out++;
  }
  for (let i = 0; i < phase3; i++, right++, left++, out++) {
    s0 = f(f(s0 + input[a + right]) - input[a + left]);
    s1 = f(f(s1 + input[b + right]) - input[b + left]);
    s2 = f(f(s2 + input[c + right]) - input[c + left]);
    s3 = f(f(s3 + input[d + right]) - input[d + left]);
    output[a + out] = s0 / count;
    output[b + out] = s1 / count;
    output[c + out] = s2 / count;
    output[d + out] = s3 / count;
  }
  for (let i = 0; i < phase4; i++, left++, out++) {
    s0 = f(s0 - input[a + left]);
    s1 = f(s1 - input[b + left]);
    s2 = f(s2 - input[c + left]);
    s3 = f(s3 - input[d + left]);
    count--;
    output[a + out] = s0 / count;
    output[b + out] = s1 / count;
    output[c + out] = s2 / count;
    output[d + out] = s3 / count;
  }
}

function boxFilterRows(input: Float32Array, output: Float32Array, width: number, height: number, window: number): void {
  let row = 0;
  for (; row + 4 <= height; row += 4) boxFilter4Rows(input, output, row, width, window);
  for (; row < height; row++) boxFilter1D(input, output, row * width, width, 1, window);
}

/**
 * Box filter down every column at once. Same arithmetic, per column, as boxFilter1D with stride = width, but it
 * walks memory row by row, which is several times faster on large images than striding down one column at a time.
 * Only the columns listed in `columns` are computed (the last pass needs only the 64 that decimation samples).
 */
function boxFilterColumns(
  input: Float32Array,
  output: Float32Array,
  width: number,
  height: number,
  window: number,
  columns: Int32Array,
): void {
  const half = Math.floor((window + 2) / 2);
  const phase1 = half - 1;
  const phase2 = window - half + 1;
  const phase3 = height - window;
  const phase4 = half - 1;
  const n = columns.length;
  const sums = new Float32Array(n);
  let count = 0;
  // Each phase as one loop over the columns, so that a row is read and written in a single sweep.
  for (let row = 0; row < phase1 + phase2; row++) {
    const base = row * width;
    const outBase = (row - phase1) * width;
    count++;
    for (let c = 0; c < n; c++) {
      const column = columns[c];
      const sum = f(sums[c] + input[base + column]);
      sums[c] = sum;
      if (row >= phase1) output[outBase + column] = sum / count;
    }
  }
  for (let i = 0; i < phase3; i++) {
    const right = (phase1 + phase2 + i) * width;
    const left = i * width;
    const outBase = (phase2 + i) * width;
    for (let c = 0; c < n; c++) {
      const column = columns[c];
      const sum = f(f(sums[c] + input[right + column]) - input[left + column]);
      sums[c] = sum;
      output[outBase + column] = sum / count;
    }
  }
  for (let i = 0; i < phase4; i++) {
    const left = (phase3 + i) * width;
    const outBase = (phase2 + phase3 + i) * width;
    count--;
    for (let c = 0; c < n; c++) {
      const column = columns[c];
      const sum = f(sums[c] - input[left + column]);
      sums[c] = sum;
      output[outBase + column] = sum / count;
    }
  }
}

function decimationIndices(inSize: number): Int32Array {
  const indices = new Int32Array(DOWNSAMPLE);
  for (let i = 0; i < DOWNSAMPLE; i++) indices[i] = Math.trunc(((i + 0.5) * inSize) / DOWNSAMPLE);
  return indices;
}

/**
 * Allocating (and zeroing) a large array costs as much as a box-filter pass, so the filters' scratch space is kept
 * between calls (hashing is synchronous: one user at a time), up to 4K frames; larger images get their own.
 */
const MAX_KEPT_SCRATCH = 3840 * 2160;
let keptScratch = new Float32Array(0);
function scratchBuffer(length: number): Float32Array {
  if (length > MAX_KEPT_SCRATCH) return new Float32Array(length);
  if (keptScratch.length < length) keptScratch = new Float32Array(length);
  return keptScratch.subarray(0, length);
}

/** Two Jarosz passes then decimation to 64x64. `luma` is overwritten. */
export function downsampleTo64(image: LumaImage): Float32Array {
  const { luma, width, height } = image;
  const scratch = scratchBuffer(luma.length);
  const windowAlongRows = jaroszWindowSize(width, DOWNSAMPLE);
  const windowAlongCols = jaroszWindowSize(height, DOWNSAMPLE);
  const allColumns = Int32Array.from({ length: width }, (_, i) => i);
  const sampledRows = decimationIndices(height);
  const sampledCols = decimationIndices(width);
  for (let pass = 0; pass < JAROSZ_PASSES; pass++) {
    boxFilterRows(luma, scratch, width, height, windowAlongRows);
    const last = pass === JAROSZ_PASSES - 1;
    boxFilterColumns(scratch, luma, width, height, windowAlongCols, last ? sampledCols : allColumns);
  }
  const out = new Float32Array(DOWNSAMPLE * DOWNSAMPLE);
  for (let i = 0; i < DOWNSAMPLE; i++) {
    const rowBase = sampledRows[i] * width;
    for (let j = 0; j < DOWNSAMPLE; j++) out[i * DOWNSAMPLE + j] = luma[rowBase + sampledCols[j]];
  }
  return out;
}

/** The reference's image-domain quality: summed truncated gradients over the 64x64 image, scaled to 0–100. */
export function pdqQuality(buffer64: Float32Array): number {
  let gradientSum = 0;
  for (let i = 0; i < DOWNSAMPLE - 1; i++) {
    for (let j = 0; j < DOWNSAMPLE; j++) {
      const u = buffer64[i * DOWNSAMPLE + j];
      const v = buffer64[(i + 1) * DOWNSAMPLE + j];
      gradientSum += Math.abs(Math.trunc(f(f(f(u - v) * 100) / 255)));
    }
  }
  for (let i = 0; i < DOWNSAMPLE; i++) {
    for (let j = 0; j < DOWNSAMPLE - 1; j++) {
      const u = buffer64[i * DOWNSAMPLE + j];
      const v = buffer64[i * DOWNSAMPLE + j + 1];
      gradientSum += Math.abs(Math.trunc(f(f(f(u - v) * 100) / 255)));
    }
  }
  return Math.min(100, Math.trunc(gradientSum / 90));
}

const DCT_MATRIX = (() => {
  const matrix = new Float32Array(DCT_SIZE * DOWNSAMPLE);
  const scale = f(Math.sqrt(2 / DOWNSAMPLE));
  for (let i = 0; i < DCT_SIZE; i++) {
    for (let j = 0; j < DOWNSAMPLE; j++) {
      matrix[i * DOWNSAMPLE + j] = scale * Math.cos((Math.PI / 2 / DOWNSAMPLE) * (i + 1) * (2 * j + 1));
    }
  }
  return matrix;
})();

/** The 16 lowest non-DC frequencies of the 64x64 image's 2-D DCT: D · A · Dᵀ. */
export function dct16(buffer64: Float32Array): Float32Array {
  const temp = new Float32Array(DCT_SIZE * DOWNSAMPLE);
  for (let i = 0; i < DCT_SIZE; i++) {
    for (let j = 0; j < DOWNSAMPLE; j++) {
      let sum = 0;
      for (let k = 0; k < DOWNSAMPLE; k++) sum = f(sum + f(DCT_MATRIX[i * DOWNSAMPLE + k] * buffer64[k * DOWNSAMPLE + j]));
      temp[i * DOWNSAMPLE + j] = sum;
    }
  }
  const out = new Float32Array(DCT_SIZE * DCT_SIZE);
  for (let i = 0; i < DCT_SIZE; i++) {
    for (let j = 0; j < DCT_SIZE; j++) {
      let sum = 0;
      for (let k = 0; k < DOWNSAMPLE; k++) sum = f(sum + f(temp[i * DOWNSAMPLE + k] * DCT_MATRIX[j * DOWNSAMPLE + k]));
      out[i * DCT_SIZE + j] = sum;
    }
  }
  return out;
}

/** Torben's median, exactly as the reference uses it (for an even count it can return either middle value). */
export function torbenMedian(values: Float32Array): number {
  const n = values.length;
  let min = values[0];
  let max = values[0];
  for (let i = 1; i < n; i++) {
    if (values[i] < min) min = values[i];
    if (values[i] > max) max = values[i];
  }
  const halfCount = Math.floor((n + 1) / 2);
  while (true) {
    const guess = f((min + max) / 2);
    let less = 0;
    let greater = 0;
    let equal = 0;
    let maxLessThanGuess = min;
    let minGreaterThanGuess = max;
    for (let i = 0; i < n; i++) {
      const value = values[i];
      if (value < guess) {
        less++;
        if (value > maxLessThanGuess) maxLessThanGuess = value;
      } else if (value > guess) {
        greater++;
        if (value < minGreaterThanGuess) minGreaterThanGuess = value;
      } else {
        equal++;
      }
    }
    if (less <= halfCount && greater <= halfCount) {
      if (less >= halfCount) return maxLessThanGuess;
      if (less + equal >= halfCount) return guess;
      return minGreaterThanGuess;
    }
    if (less > greater) max = maxLessThanGuess;
    else min = minGreaterThanGuess;
  }
}

/** Bits above the median, serialised as the reference does: 16-bit words, most significant word first. */
export function hashFromDct(dct: Float32Array): string {
  const median = torbenMedian(dct);
  const words = new Uint16Array(DCT_SIZE);
  for (let k = 0; k < DCT_SIZE * DCT_SIZE; k++) {
    if (dct[k] > median) words[k >> 4] |= 1 << (k & 15);
  }
  let hex = '';
  for (let w = DCT_SIZE - 1; w >= 0; w--) hex += words[w].toString(16).padStart(4, '0');
  return hex;
}

/**
 * The DCT of a rotated or flipped image, derived from the original's DCT: transposes and sign flips of odd
 * frequencies (the reference's dct16OriginalTo* functions).
 */
function dihedralDct(dct: Float32Array, variant: DihedralVariant): Float32Array {
  const out = new Float32Array(DCT_SIZE * DCT_SIZE);
  for (let i = 0; i < DCT_SIZE; i++) {
    for (let j = 0; j < DCT_SIZE; j++) {
      const value = dct[i * DCT_SIZE + j];
      const oddI = (i & 1) === 1;
      const oddJ = (j & 1) === 1;
      const oddSum = ((i + j) & 1) === 1;
      switch (variant) {
        case 'orig':
          out[i * DCT_SIZE + j] = value;
          break;
        case 'rot90':
          out[j * DCT_SIZE + i] = oddJ ? value : -value;
          break;
        case 'rot180':
          out[i * DCT_SIZE + j] = oddSum ? -value : value;
          break;
        case 'rot270':
          out[j * DCT_SIZE + i] = oddI ? value : -value;
          break;
        case 'flipx':
          out[i * DCT_SIZE + j] = oddI ? value : -value;
          break;
        case 'flipy':
          out[i * DCT_SIZE + j] = oddJ ? value : -value;
          break;
        case 'flipplus1':
          out[j * DCT_SIZE + i] = value;
          break;
        case 'flipminus1':
          out[j * DCT_SIZE + i] = oddSum ? -value : value;
          break;
      }
    }
  }
  return out;
}

export interface PdqFullResult extends PdqResult {
  /** The 8 variant hashes in DIHEDRAL_VARIANTS order, when asked for. */
  dihedral?: string[];
}

/** PDQ of a luma image at full resolution. `image.luma` is used as scratch space and overwritten. */
export function pdqFromLuma(image: LumaImage, options: { dihedral?: boolean } = {}): PdqFullResult {
  const buffer64 = downsampleTo64(image);
  const quality = pdqQuality(buffer64);
  const dct = dct16(buffer64);
  const hash = hashFromDct(dct);
  if (!options.dihedral) return { hash, quality };
  const dihedral = DIHEDRAL_VARIANTS.map((variant) => (variant === 'orig' ? hash : hashFromDct(dihedralDct(dct, variant))));
  return { hash, quality, dihedral };
}
