/**
 * PDQ's heavy stages in WebAssembly (AssemblyScript, built to dist/hashing/pdq.wasm by `npm run build`): luma, the
 * two passes of Jarosz box filters, decimation to 64x64, and the 16x16 DCT. WebAssembly's f32 arithmetic is IEEE
 * single precision and never contracts a multiply and an add, so doing the reference's operations in the reference's
 * order gives the reference's bits. SIMD lanes run four independent copies of one sequence (four rows, four columns,
 * four DCT outputs), never a reordered sum.
 *
 * Layouts: a row-major buffer has rows of `padded(width)` floats; a "group" buffer holds four consecutive rows
 * interleaved, one v128 per column with the rows in its lanes, so that the row filter runs four rows at once. Lanes
 * past the image's last row or column carry junk that no output depends on. Only the 64 sampled columns of the second
 * pass are kept whole; everything else lives in rings of a few rows, so the work stays in the CPU's cache.
 * The caller (src/hashing/pdq-kernel.ts) owns the memory: it passes pointers into regions it sized with
 * `workspaceBytes`, and pads the pixels with 16 readable bytes.
 */

const LUMA_R: f32 = 0.299;
const LUMA_G: f32 = 0.587;
const LUMA_B: f32 = 0.114;
const DOWNSAMPLE: i32 = 64;
const DCT_SIZE: i32 = 16;

/** Decimation's sampled columns then rows, and the byte shuffle that spreads four pixels over four lanes. */
const sampledColumns = memory.data(DOWNSAMPLE * 4);
const sampledRows = memory.data(DOWNSAMPLE * 4);
const swizzleMask = memory.data(16, 16);

@inline function padded(size: i32): i32 {
  return (size + 3) & ~3;
}

/** Bytes of scratch space `downsample` needs for an image of this size (see its layout). */
export function workspaceBytes(width: i32, height: i32): usize {
  const paddedWidth = <usize>padded(width);
  const rows = <usize>(firstPassRing(height) + 4);
  const groups = paddedWidth * 8;
  const sumsSize = max(paddedWidth, <usize>DOWNSAMPLE);
  return (rows * paddedWidth + groups + sumsSize + 2 * <usize>DOWNSAMPLE * <usize>padded(height)) * 4;
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

/** Byte shuffle that puts pixel p's first three channels in the low bytes of lane p (zero where there are fewer). */
function prepareSwizzle(channels: i32): void {
  for (let p = 0; p < 4; p++) {
    for (let byte = 0; byte < 4; byte++) {
      const source = byte < 3 && byte < channels ? <u8>(p * channels + byte) : <u8>0x80;
      store<u8>(swizzleMask + <usize>(p * 4 + byte), source);
    }
  }
}

/**
 * Luma of the four pixels at `at`: f(f(R·0.299 + G·0.587) + B·0.114), or channel 0 of a grey image. Values are at most
 * 255, so the signed conversion is exact (it is one instruction; the unsigned one is emulated).
 */
@inline function lumaOf(at: usize, grey: bool, rgba: bool): v128 {
  const pixels = rgba ? v128.load(at) : i8x16.swizzle(v128.load(at), v128.load(swizzleMask));
  const low = i32x4.splat(0xff);
  const red = f32x4.convert_i32x4_s(v128.and(pixels, low));
  if (grey) return red;
  const green = f32x4.convert_i32x4_s(v128.and(i32x4.shr_u(pixels, 8), low));
  const blue = f32x4.convert_i32x4_s(v128.and(i32x4.shr_u(pixels, 16), low));
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
  // RGBA needs no shuffle: each pixel already fills its lane.
  if (channels == 4) lumaRows(row0, row1, row2, row3, width, channels, grey, true, group);
  else lumaRows(row0, row1, row2, row3, width, channels, grey, false, group);
}

@inline function lumaRows(
  row0: usize, row1: usize, row2: usize, row3: usize, width: i32, channels: i32, grey: bool, rgba: bool, group: usize,
): void {
  for (let x = 0; x < width; x += 4) {
    const offset = <usize>(x * channels);
    transposeStore(
      lumaOf(row0 + offset, grey, rgba),
      lumaOf(row1 + offset, grey, rgba),
      lumaOf(row2 + offset, grey, rgba),
      lumaOf(row3 + offset, grey, rgba),
      group + (<usize>x << 4),
      16,
    );
  }
}

/**
 * The reference's box1DFloat on the four rows of a group at once: the window grows at the start and shrinks at the
 * end, so every output is the mean of the in-range samples around it. Without `divide`, outputs are the running sums
 * (the caller divides the few it keeps by windowCountAt: the same division, done only where needed). Inlined, so
 * each caller gets a copy specialised for its constant `divide`.
 */
@inline function boxFilterGroup(input: usize, output: usize, length: i32, window: i32, divide: bool): void {
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
    v128.store(out, divide ? f32x4.div(sum, f32x4.splat(<f32>count)) : sum);
  }
  const steady = f32x4.splat(<f32>count);
  for (let i = 0; i < phase3; i++, right += 16, left += 16, out += 16) {
    sum = f32x4.sub(f32x4.add(sum, v128.load(right)), v128.load(left));
    v128.store(out, divide ? f32x4.div(sum, steady) : sum);
  }
  for (let i = 0; i < phase4; i++, left += 16, out += 16) {
    sum = f32x4.sub(sum, v128.load(left));
    count--;
    v128.store(out, divide ? f32x4.div(sum, f32x4.splat(<f32>count)) : sum);
  }
}

/** The count boxFilterGroup divides by at output `at`: growing, steady, then shrinking with the window. */
function windowCountAt(at: i32, length: i32, window: i32): f32 {
  const phase1 = (window + 2) / 2 - 1;
  const phase2 = window - phase1;
  const phase3 = length - window;
  if (at < phase2) return <f32>(phase1 + 1 + at);
  if (at < phase2 + phase3) return <f32>window;
  return <f32>(window - (at - phase2 - phase3) - 1);
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

/** The sampled columns of a group of running sums, divided into means, as four rows of 64 in a row-major buffer. */
function sampledColumnsToRows(group: usize, rows: usize, width: i32, window: i32): void {
  for (let j = 0; j < DOWNSAMPLE; j += 4) {
    const at = sampledColumns + (<usize>j << 2);
    const c0 = load<i32>(at);
    const c1 = load<i32>(at, 4);
    const c2 = load<i32>(at, 8);
    const c3 = load<i32>(at, 12);
    transposeStore(
      f32x4.div(v128.load(group + (<usize>c0 << 4)), f32x4.splat(windowCountAt(c0, width, window))),
      f32x4.div(v128.load(group + (<usize>c1 << 4)), f32x4.splat(windowCountAt(c1, width, window))),
      f32x4.div(v128.load(group + (<usize>c2 << 4)), f32x4.splat(windowCountAt(c2, width, window))),
      f32x4.div(v128.load(group + (<usize>c3 << 4)), f32x4.splat(windowCountAt(c3, width, window))),
      rows + (<usize>j << 2),
      DOWNSAMPLE * 4,
    );
  }
}

/**
 * box1DFloat down every column of a row-major buffer, fed one input row at a time, four columns per lane group. The
 * input and output are rings of rows (row r at slot r mod ring), so the first pass never holds more than a window
 * of rows: the whole pipeline then works in the CPU's cache instead of streaming full-image buffers through memory.
 * One filter runs at a time (the first pass, then the second over the sampled columns), hence module state.
 */
let sums: usize = 0;
let columnStride: usize = 0;
let input: usize = 0;
let inputRing: i32 = 0;
let output: usize = 0;
let outputRing: i32 = 0;
let filterWindow: i32 = 0;
let filterHeight: i32 = 0;
let count: i32 = 0;

@inline function ringRow(base: usize, ring: i32, row: i32): usize {
  return base + <usize>(row % ring) * columnStride;
}

/** Rows the first pass's input ring needs: the window behind the newest row, and the four rows of a new group. */
@inline function firstPassRing(height: i32): i32 {
  return padded(jaroszWindow(height)) + 4;
}

function startColumns(
  sumsAt: usize, columns: i32, inputAt: usize, inputRows: i32, outputAt: usize, outputRows: i32, height: i32,
): void {
  sums = sumsAt;
  columnStride = <usize>columns << 2;
  input = inputAt;
  inputRing = inputRows;
  output = outputAt;
  outputRing = outputRows;
  filterWindow = jaroszWindow(height);
  filterHeight = height;
  count = 0;
  memory.fill(sums, 0, columnStride);
}

/** sums += add, and the output row (when given) gets sums / count: the window growing. */
function columnAdd(add: usize, out: usize): void {
  const divisor = f32x4.splat(<f32>count);
  for (let c: usize = 0; c < columnStride; c += 16) {
    const sum = f32x4.add(v128.load(sums + c), v128.load(add + c));
    v128.store(sums + c, sum);
    if (out) v128.store(out + c, f32x4.div(sum, divisor));
  }
}

/** sums = sums + add − subtract, the output row gets sums / count: the window sliding. */
function columnSlide(add: usize, subtract: usize, out: usize): void {
  const divisor = f32x4.splat(<f32>count);
  for (let c: usize = 0; c < columnStride; c += 16) {
    const sum = f32x4.sub(f32x4.add(v128.load(sums + c), v128.load(add + c)), v128.load(subtract + c));
    v128.store(sums + c, sum);
    v128.store(out + c, f32x4.div(sum, divisor));
  }
}

/** sums −= subtract, the output row gets sums / count: the window shrinking. */
function columnRemove(subtract: usize, out: usize): void {
  const divisor = f32x4.splat(<f32>count);
  for (let c: usize = 0; c < columnStride; c += 16) {
    const sum = f32x4.sub(v128.load(sums + c), v128.load(subtract + c));
    v128.store(sums + c, sum);
    v128.store(out + c, f32x4.div(sum, divisor));
  }
}

/** Feeds input row `row` (rows come in order); returns the output row this completes, or -1 while the window fills. */
function feedColumns(row: i32): i32 {
  const lag = (filterWindow + 2) / 2 - 1;
  const outRow = row - lag;
  const add = ringRow(input, inputRing, row);
  if (row < filterWindow) {
    count++;
    columnAdd(add, outRow >= 0 ? ringRow(output, outputRing, outRow) : 0);
  } else {
    columnSlide(add, ringRow(input, inputRing, row - filterWindow), ringRow(output, outputRing, outRow));
  }
  return outRow;
}

/** After the last input row, the i-th of the outputs where the window shrinks; returns that output row. */
function drainColumns(i: i32): i32 {
  const lag = (filterWindow + 2) / 2 - 1;
  const outRow = filterHeight - lag + i;
  count--;
  columnRemove(ringRow(input, inputRing, filterHeight - filterWindow + i), ringRow(output, outputRing, outRow));
  return outRow;
}

@inline function drainCount(): i32 {
  return (filterWindow + 2) / 2 - 1;
}

/**
 * Pixels (8-bit, `channels` interleaved; `grey`: channel 0 is the luma) → two Jarosz passes → 64x64 floats at
 * `out`. Per group of four rows: luma, the first row filter, then the first column filter advances four rows; each
 * group of four rows it completes goes through the second row filter, which keeps only the 64 sampled columns; the
 * second column filter then runs down those.
 */
export function downsample(
  pixels: usize, width: i32, height: i32, channels: i32, grey: bool, work: usize, out: usize,
): void {
  const paddedWidth = padded(width);
  const paddedHeight = padded(height);
  const stride = <usize>paddedWidth << 2;
  const ring = firstPassRing(height);
  const rowFiltered = work;
  const columnFiltered = rowFiltered + <usize>ring * stride;
  const group = columnFiltered + 4 * stride;
  const groupFiltered = group + (<usize>paddedWidth << 4);
  const sumsAt = groupFiltered + (<usize>paddedWidth << 4);
  const sampled = sumsAt + (<usize>max(paddedWidth, DOWNSAMPLE) << 2);
  const sampledFiltered = sampled + <usize>paddedHeight * DOWNSAMPLE * 4;
  const rowWindow = jaroszWindow(width);
  fillSampleIndices(sampledColumns, width);
  fillSampleIndices(sampledRows, height);
  prepareSwizzle(channels);
  const isGrey = grey || channels <= 2;

  startColumns(sumsAt, paddedWidth, rowFiltered, ring, columnFiltered, 4, height);
  for (let row = 0; row < height; row += 4) {
    lumaGroup(pixels, width, height, channels, isGrey, row, group);
    boxFilterGroup(group, groupFiltered, width, rowWindow, true);
    groupToRows(groupFiltered, width, ringRow(rowFiltered, ring, row), stride);
    for (let next = row; next < min(row + 4, height); next++) {
      secondRowPass(feedColumns(next), height, width, rowWindow, columnFiltered, stride, group, groupFiltered, sampled);
    }
  }
  const draining = drainCount();
  for (let i = 0; i < draining; i++) {
    secondRowPass(drainColumns(i), height, width, rowWindow, columnFiltered, stride, group, groupFiltered, sampled);
  }

  startColumns(sumsAt, DOWNSAMPLE, sampled, paddedHeight, sampledFiltered, paddedHeight, height);
  for (let row = 0; row < height; row++) feedColumns(row);
  for (let i = 0; i < draining; i++) drainColumns(i);
  for (let i = 0; i < DOWNSAMPLE; i++) {
    const from = sampledFiltered + <usize>load<i32>(sampledRows + (<usize>i << 2)) * DOWNSAMPLE * 4;
    memory.copy(out + <usize>i * DOWNSAMPLE * 4, from, DOWNSAMPLE * 4);
  }
}

/** Once the first column filter has completed a group of four rows (or the last rows), the second row filter. */
function secondRowPass(
  outRow: i32, height: i32, width: i32, rowWindow: i32, columnFiltered: usize, stride: usize, group: usize,
  groupFiltered: usize, sampled: usize,
): void {
  if (outRow < 0 || ((outRow & 3) != 3 && outRow != height - 1)) return;
  const firstRow = outRow & ~3;
  rowsToGroup(columnFiltered, stride, width, group);
  boxFilterGroup(group, groupFiltered, width, rowWindow, false);
  sampledColumnsToRows(groupFiltered, sampled + <usize>firstRow * DOWNSAMPLE * 4, width, rowWindow);
}

/**
 * The 16 lowest non-DC frequencies of the 64x64 image's 2-D DCT, D · A · Dᵀ, each sum accumulated over k in order
 * as the reference does. `matrix` is D (16x64) and `transposed` Dᵀ (64x16), both from the caller; `temp` holds 16x64.
 */
export function dct16(input: usize, matrix: usize, transposed: usize, temp: usize, out: usize): void {
  multiply(matrix, input, temp, DCT_SIZE, DOWNSAMPLE, DOWNSAMPLE);
  multiply(temp, transposed, out, DCT_SIZE, DOWNSAMPLE, DCT_SIZE);
}

/** out = left · right (row-major floats), each sum taken over k in order, four output columns per lane group. */
function multiply(left: usize, right: usize, out: usize, rows: i32, inner: i32, columns: i32): void {
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < columns; j += 4) {
      let sum = f32x4.splat(0);
      for (let k = 0; k < inner; k++) {
        const factor = f32x4.splat(load<f32>(left + <usize>(i * inner + k) * 4));
        sum = f32x4.add(sum, f32x4.mul(factor, v128.load(right + <usize>(k * columns + j) * 4)));
      }
      v128.store(out + <usize>(i * columns + j) * 4, sum);
    }
  }
}

/** Where the caller's memory may start: after this module's static data. */
export function heapBase(): usize {
  return __heap_base;
}
