/**
 * blockhash.io's two methods on a 16x16 grid (256 bits), bit-identical to blockhash-core 0.1.0's `bmvbhash` (precise)
 * and `bmvbhashEven` (quick), 14x and 2.5x faster (bench/blockhash.js). test/hashing/blockhash-oracle.test.ts checks
 * the identity on random images against blockhash-core itself.
 *
 * Why a reordered computation gives the same bits: in blockhash-core's precise method every quantity is exact in
 * float64. The block size `size / 16` is a multiple of 1/16; `(i + 1) % blockSize` (fmod is exact), its fractional
 * part and the weights `1 - frac`, `frac` are multiples of 1/16 in [0, 1]; a pixel's value (R+G+B, or 765 when alpha
 * is 0) is an integer <= 765. So every term value × weightY × weightX is a multiple of 1/256 below 766, and every
 * block sum is a multiple of 1/256 below 2^45 for any image under ~4e10 pixels: no addition ever rounds, and a
 * block's value does not depend on the order of its terms. We therefore sum separably in integers (units of 1/256):
 * per row (or group of rows weighted alike), each block column's sum over runs of pixels times its weight, then
 * those row sums times the row's weight into the grid; dividing by 256 at the end is exact and gives blockhash-core's
 * float64 block values, to which the same median rule applies. The quick method is the same with weights of 1.
 * The per-pixel block indices and weights are computed with blockhash-core's own expressions, quirks included: a pixel
 * inside a block gives both its weights to that block, and images narrower or shorter than 16 pixels keep
 * blockhash-core's (odd, but reference) distribution.
 */
import { VigieError } from '../core/errors.js';
import type { RgbaImage } from './decode.js';

/** Grid side: 16x16 blocks, 256 bits, the size the published lists and the reference test data use. */
export const BLOCKHASH_GRID = 16;

const GRID = BLOCKHASH_GRID;
/** Precise weights are counted in 1/16ths so that they are integers. */
const PRECISE_UNIT = 16;

/**
 * How the pixels of one axis (columns or rows) feed the grid: pixel i adds `weightA[i]` times itself to block
 * `blockA[i]` and `weightB[i]` times itself to block `blockB[i]` (weights in the method's unit; 0 adds nothing).
 */
interface AxisPlan {
  blockA: Uint8Array;
  weightA: Uint8Array;
  blockB: Uint8Array;
  weightB: Uint8Array;
}

function emptyPlan(size: number): AxisPlan {
  return {
    blockA: new Uint8Array(size),
    weightA: new Uint8Array(size),
    blockB: new Uint8Array(size),
    weightB: new Uint8Array(size),
  };
}

/** bmvbhash's per-pixel blocks and weights along an axis of `size` pixels, with its own expressions, in 1/16ths. */
function preciseAxis(size: number): AxisPlan {
  const plan = emptyPlan(size);
  const blockSize = size / GRID;
  for (let i = 0; i < size; i++) {
    plan.blockA[i] = Math.floor(i / blockSize);
    plan.weightA[i] = PRECISE_UNIT;
    if (size % GRID === 0) continue;
    const mod = (i + 1) % blockSize;
    const frac = mod - Math.floor(mod);
    const whole = mod - frac;
    // Inside a block both weights go to the same block: merged, as the sum is exact. (blockhash-core also tests for
    // the last pixel, where frac is always 0: its second weight is 0 and adds nothing either way.)
    if (whole > 0) continue;
    plan.weightA[i] = (1 - frac) * PRECISE_UNIT;
    plan.blockB[i] = Math.ceil(i / blockSize);
    plan.weightB[i] = frac * PRECISE_UNIT;
  }
  return plan;
}

/** bmvbhashEven's: whole blocks of floor(size / 16) pixels, the remainder ignored. */
function quickAxis(size: number): AxisPlan {
  const plan = emptyPlan(size);
  const blockSize = Math.floor(size / GRID);
  for (let i = 0; i < blockSize * GRID; i++) {
    plan.blockA[i] = Math.floor(i / blockSize);
    plan.weightA[i] = 1;
  }
  return plan;
}

/** Fields of one run in a flat run list: start, end, block, weight. */
const RUN = 4;

/**
 * A row's pixels as runs [start, end) that all add to one block with one weight, so that the inner loop is a plain
 * sum; a pixel shared by two blocks makes two one-pixel runs.
 */
function columnRuns(plan: AxisPlan): Int32Array {
  const runs: number[] = [];
  const add = (x: number, block: number, weight: number) => {
    const last = runs.length - RUN;
    if (last >= 0 && runs[last + 1] === x && runs[last + 2] === block && runs[last + 3] === weight) runs[last + 1]++;
    else runs.push(x, x + 1, block, weight);
  };
  for (let x = 0; x < plan.blockA.length; x++) {
    if (plan.weightA[x] > 0) add(x, plan.blockA[x], plan.weightA[x]);
    if (plan.weightB[x] > 0) add(x, plan.blockB[x], plan.weightB[x]);
  }
  return Int32Array.from(runs);
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * The pixels as 32-bit words with red in the low byte and alpha in the high one: a view on the decoded buffer when it
 * is aligned and the machine little-endian (the usual case, no copy), else a copy.
 */
function pixelWords(data: Uint8Array, count: number): Int32Array {
  if (LITTLE_ENDIAN && data.byteOffset % 4 === 0) return new Int32Array(data.buffer, data.byteOffset, count);
  const words = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    words[i] = data[i * 4] | (data[i * 4 + 1] << 8) | (data[i * 4 + 2] << 16) | (data[i * 4 + 3] << 24);
  }
  return words;
}

/**
 * A pixel's value (R+G+B, or 765 when alpha is 0) in two 16-bit lanes of one integer, red + green low and blue high:
 * fewer operations a pixel than unpacking three bytes. Summed over at most LANE_PIXELS pixels, neither lane overflows
 * (64 × 765 < 2^16) and the total stays a small integer (64 × 255 × 2^16 < 2^31).
 */
function packedValue(word: number): number {
  return (word & 0xff000000) === 0 ? 765 : (word & 0xff00ff) + ((word >> 8) & 0xff);
}

const LANE_PIXELS = 64;

function unpack(lanes: number): number {
  return (lanes & 0xffff) + (lanes >>> 16);
}

/** Sum of pixel values over pixels [from, to) of one row. */
function sumRow(words: Int32Array, from: number, to: number): number {
  let sum = 0;
  for (let start = from; start < to; start += LANE_PIXELS) {
    const end = Math.min(to, start + LANE_PIXELS);
    let lanes = 0;
    for (let i = start; i < end; i++) lanes += packedValue(words[i]);
    sum += unpack(lanes);
  }
  return sum;
}

/** Rows summed together where they feed the grid alike: a third less time than row by row (fewer, longer loops). */
const ROW_GROUP = 4;

/** Sum of pixel values over columns [from, to) of the ROW_GROUP rows starting there, `stride` pixels apart. */
function sumRowGroup(words: Int32Array, from: number, to: number, stride: number): number {
  let sum = 0;
  const [second, third, fourth] = [stride, stride * 2, stride * 3];
  for (let start = from; start < to; start += LANE_PIXELS / ROW_GROUP) {
    const end = Math.min(to, start + LANE_PIXELS / ROW_GROUP);
    let lanes = 0;
    for (let i = start; i < end; i++) {
      lanes +=
        packedValue(words[i]) +
        packedValue(words[i + second]) +
        packedValue(words[i + third]) +
        packedValue(words[i + fourth]);
    }
    sum += unpack(lanes);
  }
  return sum;
}

/** Whether the ROW_GROUP rows from y exist and all feed the same blocks with the same weights. */
function groupable(rows: AxisPlan, y: number): boolean {
  if (y + ROW_GROUP > rows.blockA.length) return false;
  for (let k = y + 1; k < y + ROW_GROUP; k++) {
    const same =
      rows.blockA[k] === rows.blockA[y] &&
      rows.weightA[k] === rows.weightA[y] &&
      rows.blockB[k] === rows.blockB[y] &&
      rows.weightB[k] === rows.weightB[y];
    if (!same) return false;
  }
  return true;
}

/** The 16x16 block sums, row-major, in units of (column unit × row unit). */
function blockSums(image: RgbaImage, columns: AxisPlan, rows: AxisPlan): Float64Array {
  const { width, height } = image;
  if (image.data.length < width * height * 4) {
    const message = `blockhash: ${image.data.length} bytes cannot hold ${width}x${height} RGBA pixels`;
    throw new VigieError('bad-pixels', message);
  }
  const runs = columnRuns(columns);
  const words = pixelWords(image.data, width * height);
  const blocks = new Float64Array(GRID * GRID);
  const rowSums = new Float64Array(GRID);
  for (let y = 0, count = 1; y < height; y += count) {
    const grouped = groupable(rows, y);
    count = grouped ? ROW_GROUP : 1;
    const weightTop = rows.weightA[y];
    const weightBottom = rows.weightB[y];
    if (weightTop === 0) continue; // rows past the quick method's last block (weightBottom is never set alone)
    rowSums.fill(0);
    const rowStart = y * width;
    for (let r = 0; r < runs.length; r += RUN) {
      const [from, to] = [rowStart + runs[r], rowStart + runs[r + 1]];
      const sum = grouped ? sumRowGroup(words, from, to, width) : sumRow(words, from, to);
      rowSums[runs[r + 2]] += sum * runs[r + 3];
    }
    const top = rows.blockA[y] * GRID;
    for (let j = 0; j < GRID; j++) blocks[top + j] += rowSums[j] * weightTop;
    if (weightBottom === 0) continue;
    const bottom = rows.blockB[y] * GRID;
    for (let j = 0; j < GRID; j++) blocks[bottom + j] += rowSums[j] * weightBottom;
  }
  return blocks;
}

function median(band: Float64Array): number {
  const sorted = band.slice().sort();
  const half = sorted.length / 2;
  return (sorted[half - 1] + sorted[half]) / 2;
}

/** blockhash-core's translateBlocksToBits and bitsToHexhash: per band of four grid rows, brighter than the median. */
function hashFromBlocks(blocks: Float64Array, pixelsPerBlock: number): string {
  const halfBlockValue = (pixelsPerBlock * 256 * 3) / 2;
  const bandSize = blocks.length / 4;
  let hex = '';
  for (let band = 0; band < 4; band++) {
    const values = blocks.subarray(band * bandSize, (band + 1) * bandSize);
    const m = median(values);
    for (let i = 0; i < bandSize; i += 4) {
      let nibble = 0;
      for (let k = 0; k < 4; k++) {
        const v = values[i + k];
        // A block within 1 of the median counts as bright only when the median is above half brightness (for images
        // mostly black or mostly white, as blockhash-core does).
        const bit = v > m || (Math.abs(v - m) < 1 && m > halfBlockValue);
        nibble = (nibble << 1) | (bit ? 1 : 0);
      }
      hex += nibble.toString(16);
    }
  }
  return hex;
}

/** blockhash.io quick method: whole pixels only, remainders at the right and bottom edges ignored. */
export function blockhashQuick(image: RgbaImage): string {
  const blocks = blockSums(image, quickAxis(image.width), quickAxis(image.height));
  return hashFromBlocks(blocks, Math.floor(image.width / GRID) * Math.floor(image.height / GRID));
}

/** blockhash.io precise method (which itself switches to the quick one when the grid divides the image evenly). */
export function blockhashPrecise(image: RgbaImage): string {
  const { width, height } = image;
  if (width % GRID === 0 && height % GRID === 0) return blockhashQuick(image);
  const blocks = blockSums(image, preciseAxis(width), preciseAxis(height));
  const unit = PRECISE_UNIT * PRECISE_UNIT;
  for (let i = 0; i < blocks.length; i++) blocks[i] /= unit;
  return hashFromBlocks(blocks, (width / GRID) * (height / GRID));
}
