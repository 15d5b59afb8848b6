/**
 * PDQ's heavy stages in WebAssembly (AssemblyScript, built to dist/hashing/pdq.wasm by `npm run build`): luma, the
 * two passes of Jarosz box filters, decimation to 64x64, and the 16x16 DCT. WebAssembly's f32 arithmetic is IEEE
 * single precision and never contracts a multiply and an add, so doing the reference's operations in the reference's
 * order gives the reference's bits. SIMD lanes run four independent copies of one sequence (four rows, four columns,
 * four DCT outputs), never a reordered sum.
 *
 * Layouts: a row-major buffer has rows of `padded(width)` floats; a "group" buffer holds four consecutive rows
 * interleaved, one v128 per column with the rows in its lanes, so that the row filter runs four rows at once. Lanes
 * past the image's last row or column carry junk that no output depends on.
 * The caller (src/hashing/pdq-kernel.ts) owns the memory: it passes pointers into regions it sized with
 * `workspaceBytes`, and pads the pixels with 16 readable bytes.
 */

const LUMA_R: f32 = 0.299;
const LUMA_G: f32 = 0.587;
const LUMA_B: f32 = 0.114;
const DOWNSAMPLE: i32 = 64;
const DCT_SIZE: i32 = 16;

/** Decimation's sampled columns then rows, and the byte shuffles that spread four pixels over four lanes. */
const sampledColumns = memory.data(DOWNSAMPLE * 4);
const sampledRows = memory.data(DOWNSAMPLE * 4);
const swizzleMasks = memory.data(48, 16);

@inline function padded(size: i32): i32 {
  return (size + 3) & ~3;
}

/** Bytes of scratch space `downsample` needs for an image of this size. */
export function workspaceBytes(width: i32, height: i32): usize {
  const paddedWidth = <usize>padded(width);
  const paddedHeight = <usize>padded(height);
  const groups = paddedWidth * 8;
  const sums = max(paddedWidth, <usize>DOWNSAMPLE);
  return (2 * paddedWidth * paddedHeight + groups + sums + 2 * <usize>DOWNSAMPLE * paddedHeight) * 4;
}

/** The reference's window: ceil(old / (2 * new)). */
@inline function jaroszWindow(size: i32): i32 {
  return (size + 2 * DOWNSAMPLE - 1) / (2 * DOWNSAMPLE);
}

/** The row (or column) that decimation samples for output i, computed in double as the reference does. */
function fillSampleIndices(into: usize, size: i32): void {
  for (let i = 0; i < DOWNSAMPLE; i++) {
    store<i32>(into + (<usize>i << 2), <i32>(((<f64>i + 0.5) * <f64>size) / <f64>DOWNSAMPLE));
  }
}

/** Four vectors a..d (a 4x4 block of floats, one row each) stored transposed: column k of the block at out + k·stride. */
@inline function transposeStore(a: v128, b: v128, c: v128, d: v128, out: usize, stride: usize): void {
  const ab01 = f32x4.shuffle(a, b, 0, 4, 1, 5);
  const ab23 = f32x4.shuffle(a, b, 2, 6, 3, 7);
  const cd01 = f32x4.shuffle(c, d, 0, 4, 1, 5);
  const cd23 = f32x4.shuffle(c, d, 2, 6, 3, 7);
  v128.store(out, f32x4.shuffle(ab01, cd01, 0, 1, 4, 5));
  v128.store(out + stride, f32x4.shuffle(ab01, cd01, 2, 3, 6, 7));
  v128.store(out + 2 * stride, f32x4.shuffle(ab23, cd23, 0, 1, 4, 5));
  v128.store(out + 3 * stride, f32x4.shuffle(ab23, cd23, 2, 3, 6, 7));
}

/** Byte shuffles that put channel c (0 red, 1 green, 2 blue) of pixel p in lane p, zero-extended. */
function prepareSwizzles(channels: i32): void {
  for (let c = 0; c < 3; c++) {
    for (let p = 0; p < 4; p++) {
      for (let byte = 0; byte < 4; byte++) {
        const source = byte == 0 && c < channels ? <u8>(p * channels + c) : <u8>0x80;
        store<u8>(swizzleMasks + <usize>(c * 16 + p * 4 + byte), source);
      }
    }
  }
}

/**
 * Luma of the four pixels at `at`: f(f(R·0.299 + G·0.587) + B·0.114), or channel 0 of a grey image. Values are at most
 * 255, so the signed conversion is exact (it is one instruction; the unsigned one is emulated).
 */
@inline function lumaOf(at: usize, grey: bool): v128 {
  const pixels = v128.load(at);
  const red = f32x4.convert_i32x4_s(i8x16.swizzle(pixels, v128.load(swizzleMasks)));
  if (grey) return red;
  const green = f32x4.convert_i32x4_s(i8x16.swizzle(pixels, v128.load(swizzleMasks, 16)));
  const blue = f32x4.convert_i32x4_s(i8x16.swizzle(pixels, v128.load(swizzleMasks, 32)));
  return f32x4.add(
    f32x4.add(f32x4.mul(red, f32x4.splat(LUMA_R)), f32x4.mul(green, f32x4.splat(LUMA_G))),
    f32x4.mul(blue, f32x4.splat(LUMA_B)),
  );
}

/** Luma of rows firstRow..firstRow+3 (the last row repeated past the bottom) into a group buffer. */
function lumaGroup(
  pixels: usize, width: i32, height: i32, channels: i32, grey: bool, firstRow: i32, group: usize,
): void {
  const rowBytes = <usize>(width * channels);
  const lastRow = height - 1;
  const row0 = pixels + <usize>min(firstRow, lastRow) * rowBytes;
  const row1 = pixels + <usize>min(firstRow + 1, lastRow) * rowBytes;
  const row2 = pixels + <usize>min(firstRow + 2, lastRow) * rowBytes;
  const row3 = pixels + <usize>min(firstRow + 3, lastRow) * rowBytes;
  for (let x = 0; x < width; x += 4) {
    const offset = <usize>(x * channels);
    transposeStore(
      lumaOf(row0 + offset, grey),
      lumaOf(row1 + offset, grey),
      lumaOf(row2 + offset, grey),
      lumaOf(row3 + offset, grey),
      group + (<usize>x << 4),
      16,
    );
  }
}

/**
 * The reference's box1DFloat on the four rows of a group at once: the window grows at the start and shrinks at the
 * end, so every output is the mean of the in-range samples around it.
 */
function boxFilterGroup(input: usize, output: usize, length: i32, window: i32): void {
  const half = (window + 2) / 2;
  const phase1 = half - 1;
  const phase2 = window - half + 1;
  const phase3 = length - window;
  const phase4 = half - 1;
  let left = input;
  let right = input;
  let out = output;
  let sum = f32x4.splat(0);
  let count = 0;
  for (let i = 0; i < phase1; i++, right += 16) {
    sum = f32x4.add(sum, v128.load(right));
    count++;
  }
  for (let i = 0; i < phase2; i++, right += 16, out += 16) {
    sum = f32x4.add(sum, v128.load(right));
    count++;
    v128.store(out, f32x4.div(sum, f32x4.splat(<f32>count)));
  }
  const steady = f32x4.splat(<f32>count);
  for (let i = 0; i < phase3; i++, right += 16, left += 16, out += 16) {
    sum = f32x4.sub(f32x4.add(sum, v128.load(right)), v128.load(left));
    v128.store(out, f32x4.div(sum, steady));
  }
  for (let i = 0; i < phase4; i++, left += 16, out += 16) {
    sum = f32x4.sub(sum, v128.load(left));
    count--;
    v128.store(out, f32x4.div(sum, f32x4.splat(<f32>count)));
  }
}

/** A group buffer back to four rows of a row-major buffer. */
function groupToRows(group: usize, width: i32, rows: usize, stride: usize): void {
  for (let x = 0; x < width; x += 4) {
    const from = group + (<usize>x << 4);
    transposeStore(v128.load(from), v128.load(from, 16), v128.load(from, 32), v128.load(from, 48), rows + (<usize>x << 2), stride);
  }
}

/** Four rows of a row-major buffer into a group buffer. */
function rowsToGroup(rows: usize, stride: usize, width: i32, group: usize): void {
  for (let x = 0; x < width; x += 4) {
    const from = rows + (<usize>x << 2);
    transposeStore(
      v128.load(from), v128.load(from + stride), v128.load(from + 2 * stride), v128.load(from + 3 * stride),
      group + (<usize>x << 4),
      16,
    );
  }
}

/** The sampled columns of a group, as four rows of 64 in a row-major buffer. */
function sampledColumnsToRows(group: usize, rows: usize): void {
  for (let j = 0; j < DOWNSAMPLE; j += 4) {
    const at = sampledColumns + (<usize>j << 2);
    transposeStore(
      v128.load(group + (<usize>load<i32>(at) << 4)),
      v128.load(group + (<usize>load<i32>(at, 4) << 4)),
      v128.load(group + (<usize>load<i32>(at, 8) << 4)),
      v128.load(group + (<usize>load<i32>(at, 12) << 4)),
      rows + (<usize>j << 2),
      DOWNSAMPLE * 4,
    );
  }
}

/** box1DFloat down every column of a row-major buffer, four columns per lane group, one row at a time. */
function boxFilterColumns(input: usize, output: usize, columns: i32, height: i32, window: i32, sums: usize): void {
  const stride = <usize>columns << 2;
  const half = (window + 2) / 2;
  const phase1 = half - 1;
  const phase2 = window - half + 1;
  const phase3 = height - window;
  const phase4 = half - 1;
  memory.fill(sums, 0, stride);
  let count = 0;
  for (let row = 0; row < phase1 + phase2; row++) {
    count++;
    const from = input + <usize>row * stride;
    const to = output + <usize>(row - phase1) * stride;
    const divisor = f32x4.splat(<f32>count);
    for (let c: usize = 0; c < stride; c += 16) {
      const sum = f32x4.add(v128.load(sums + c), v128.load(from + c));
      v128.store(sums + c, sum);
      if (row >= phase1) v128.store(to + c, f32x4.div(sum, divisor));
    }
  }
  const divisor = f32x4.splat(<f32>count);
  for (let i = 0; i < phase3; i++) {
    const right = input + <usize>(phase1 + phase2 + i) * stride;
    const left = input + <usize>i * stride;
    const to = output + <usize>(phase2 + i) * stride;
    for (let c: usize = 0; c < stride; c += 16) {
      const sum = f32x4.sub(f32x4.add(v128.load(sums + c), v128.load(right + c)), v128.load(left + c));
      v128.store(sums + c, sum);
      v128.store(to + c, f32x4.div(sum, divisor));
    }
  }
  for (let i = 0; i < phase4; i++) {
    count--;
    const left = input + <usize>(phase3 + i) * stride;
    const to = output + <usize>(phase2 + phase3 + i) * stride;
    const shrinking = f32x4.splat(<f32>count);
    for (let c: usize = 0; c < stride; c += 16) {
      const sum = f32x4.sub(v128.load(sums + c), v128.load(left + c));
      v128.store(sums + c, sum);
      v128.store(to + c, f32x4.div(sum, shrinking));
    }
  }
}

/**
 * Pixels (8-bit, `channels` interleaved; `grey`: channel 0 is the luma) → two Jarosz passes → 64x64 floats at
 * `out`. The second pass filters along rows in full (its running sums need every pixel) but down the 64 sampled
 * columns only.
 */
export function downsample(
  pixels: usize, width: i32, height: i32, channels: i32, grey: bool, work: usize, out: usize,
): void {
  const paddedWidth = padded(width);
  const paddedHeight = padded(height);
  const stride = <usize>paddedWidth << 2;
  const rowFiltered = work;
  const columnFiltered = rowFiltered + <usize>paddedHeight * stride;
  const group = columnFiltered + <usize>paddedHeight * stride;
  const groupFiltered = group + (<usize>paddedWidth << 4);
  const sums = groupFiltered + (<usize>paddedWidth << 4);
  const sampled = sums + (<usize>max(paddedWidth, DOWNSAMPLE) << 2);
  const sampledFiltered = sampled + <usize>paddedHeight * DOWNSAMPLE * 4;
  const rowWindow = jaroszWindow(width);
  const columnWindow = jaroszWindow(height);
  fillSampleIndices(sampledColumns, width);
  fillSampleIndices(sampledRows, height);
  prepareSwizzles(channels);
  const isGrey = grey || channels <= 2;

  for (let row = 0; row < height; row += 4) {
    lumaGroup(pixels, width, height, channels, isGrey, row, group);
    boxFilterGroup(group, groupFiltered, width, rowWindow);
    groupToRows(groupFiltered, width, rowFiltered + <usize>row * stride, stride);
  }
  boxFilterColumns(rowFiltered, columnFiltered, paddedWidth, height, columnWindow, sums);
  for (let row = 0; row < height; row += 4) {
    rowsToGroup(columnFiltered + <usize>row * stride, stride, width, group);
    boxFilterGroup(group, groupFiltered, width, rowWindow);
    sampledColumnsToRows(groupFiltered, sampled + <usize>row * DOWNSAMPLE * 4);
  }
  boxFilterColumns(sampled, sampledFiltered, DOWNSAMPLE, height, columnWindow, sums);
  for (let i = 0; i < DOWNSAMPLE; i++) {
    const from = sampledFiltered + <usize>load<i32>(sampledRows + (<usize>i << 2)) * DOWNSAMPLE * 4;
    memory.copy(out + <usize>i * DOWNSAMPLE * 4, from, DOWNSAMPLE * 4);
  }
}

/**
 * The 16 lowest non-DC frequencies of the 64x64 image's 2-D DCT, D · A · Dᵀ, each sum accumulated over k in order
 * as the reference does. `matrix` is D (16x64) and `transposed` Dᵀ (64x16), both from the caller; `temp` holds 16x64.
 */
export function dct16(input: usize, matrix: usize, transposed: usize, temp: usize, out: usize): void {
  for (let i = 0; i < DCT_SIZE; i++) {
    for (let j = 0; j < DOWNSAMPLE; j += 4) {
      let sum = f32x4.splat(0);
      for (let k = 0; k < DOWNSAMPLE; k++) {
        const coefficient = f32x4.splat(load<f32>(matrix + <usize>(i * DOWNSAMPLE + k) * 4));
        sum = f32x4.add(sum, f32x4.mul(coefficient, v128.load(input + <usize>(k * DOWNSAMPLE + j) * 4)));
      }
      v128.store(temp + <usize>(i * DOWNSAMPLE + j) * 4, sum);
    }
  }
  for (let i = 0; i < DCT_SIZE; i++) {
    for (let j = 0; j < DCT_SIZE; j += 4) {
      let sum = f32x4.splat(0);
      for (let k = 0; k < DOWNSAMPLE; k++) {
        const value = f32x4.splat(load<f32>(temp + <usize>(i * DOWNSAMPLE + k) * 4));
        sum = f32x4.add(sum, f32x4.mul(value, v128.load(transposed + <usize>(k * DCT_SIZE + j) * 4)));
      }
      v128.store(out + <usize>(i * DCT_SIZE + j) * 4, sum);
    }
  }
}

/** Where the caller's memory may start: after this module's static data. */
export function heapBase(): usize {
  return __heap_base;
}
