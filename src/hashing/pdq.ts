/**
 * PDQ, Meta's perceptual image hash, ported from the reference C++ (facebook/ThreatExchange pdq/cpp).
 * Stages: luma → two passes of Jarosz box filters → 64x64 decimation → quality from image gradients → 16x16 DCT →
 * median → 256 bits. The pixel-heavy stages run in WebAssembly (pdq-kernel.ts); every stage keeps the reference's
 * order of operations and its single-precision arithmetic (`f` rounds to float32 after each operation here). A
 * float64 port matches the reference hashes too, except where two DCT values straddle the median closer than
 * float32's rounding error: on the reference set, the rot180 and flipminus1 hashes of q0003.jpg (2 bits each). This
 * one matches all of them.
 */
import { DIHEDRAL_VARIANTS, type DihedralVariant } from '../core/records.js';
import { dct16, DCT_SIZE, DOWNSAMPLE, downsampleTo64, type PixelImage } from './pdq-kernel.js';

export type { PixelImage } from './pdq-kernel.js';

const f = Math.fround;

export interface PdqResult {
  /** 64 lowercase hex digits, in the reference's word order. */
  hash: string;
  quality: number;
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

/** Below this size on either side the reference returns an all-zero hash of quality 0. */
const MIN_HASHABLE_DIMENSION = 5;
const ZERO_HASH = '0'.repeat(64);

/** PDQ of an image at full resolution. */
export function pdqFromPixels(image: PixelImage, options: { dihedral?: boolean } = {}): PdqFullResult {
  if (image.width < MIN_HASHABLE_DIMENSION || image.height < MIN_HASHABLE_DIMENSION) {
    return { hash: ZERO_HASH, quality: 0, ...(options.dihedral && { dihedral: DIHEDRAL_VARIANTS.map(() => ZERO_HASH) }) };
  }
  const buffer64 = downsampleTo64(image);
  const quality = pdqQuality(buffer64);
  const dct = dct16(buffer64);
  const hash = hashFromDct(dct);
  if (!options.dihedral) return { hash, quality };
  const dihedral = DIHEDRAL_VARIANTS.map((variant) => (variant === 'orig' ? hash : hashFromDct(dihedralDct(dct, variant))));
  return { hash, quality, dihedral };
}
