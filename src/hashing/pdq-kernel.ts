/**
 * The WebAssembly side of PDQ (src/hashing/assembly/pdq.ts): loading, memory, and copying pixels in and floats out.
 * One instance per thread is kept for images up to KEPT_WORKSPACE; a larger image gets an instance of its own that is
 * dropped afterwards, so one huge image does not pin its memory for the rest of a batch.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ExitCode, VigieError } from '../core/errors.js';
import { compiledModuleUrl } from '../core/worker-pool.js';

export const DOWNSAMPLE = 64;
export const DCT_SIZE = 16;

/** 8-bit pixels, channels interleaved, row-major. `grey`: channel 0 is the luma (also implied by 1 or 2 channels). */
export interface PixelImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
  grey?: boolean;
}

interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  workspaceBytes(width: number, height: number): number;
  downsample(pixels: number, width: number, height: number, channels: number, grey: number, work: number, out: number): void;
  dct16(input: number, matrix: number, transposed: number, temp: number, out: number): void;
}

/** D, the 16x64 DCT basis, rounded to float32 as the reference stores it. */
const DCT_MATRIX = (() => {
  const matrix = new Float32Array(DCT_SIZE * DOWNSAMPLE);
  const scale = Math.fround(Math.sqrt(2 / DOWNSAMPLE));
  for (let i = 0; i < DCT_SIZE; i++) {
    for (let j = 0; j < DOWNSAMPLE; j++) {
      matrix[i * DOWNSAMPLE + j] = scale * Math.cos((Math.PI / 2 / DOWNSAMPLE) * (i + 1) * (2 * j + 1));
    }
  }
  return matrix;
})();
const DCT_TRANSPOSED = Float32Array.from({ length: DCT_MATRIX.length }, (_, n) => {
  const k = Math.floor(n / DCT_SIZE);
  return DCT_MATRIX[(n % DCT_SIZE) * DOWNSAMPLE + k];
});

/** Memory kept between images (mostly the pixels' copy): 4K video frames and RGBA photos up to about 16 megapixels. */
const KEPT_WORKSPACE = 64 * 2 ** 20;
const PAGE = 65536;
const align16 = (n: number) => (n + 15) & ~15;

let compiled: WebAssembly.Module | undefined;
/** The compiled kernel; a missing file (a checkout never built) is an environment error, not a crash. */
export function kernelModule(): WebAssembly.Module {
  if (compiled) return compiled;
  const path = fileURLToPath(compiledModuleUrl(import.meta.url, './pdq.wasm'));
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new VigieError('pdq-kernel-missing', `PDQ's WebAssembly kernel ${path} is missing: run npm run build`, ExitCode.environment);
  }
  compiled = new WebAssembly.Module(bytes);
  return compiled;
}

class Kernel {
  private readonly exports: KernelExports;
  private readonly matrix: number;
  private readonly transposed: number;
  private readonly temp: number;
  private readonly out64: number;
  private readonly dctOut: number;
  private readonly free: number;

  constructor() {
    this.exports = new WebAssembly.Instance(kernelModule()).exports as unknown as KernelExports;
    this.matrix = align16(this.exports.heapBase());
    this.transposed = this.matrix + DCT_MATRIX.byteLength;
    this.temp = this.transposed + DCT_TRANSPOSED.byteLength;
    this.out64 = this.temp + DCT_MATRIX.byteLength;
    this.dctOut = this.out64 + DOWNSAMPLE * DOWNSAMPLE * 4;
    this.free = this.dctOut + DCT_SIZE * DCT_SIZE * 4;
    this.reserve(this.free);
    this.floats(this.matrix, DCT_MATRIX.length).set(DCT_MATRIX);
    this.floats(this.transposed, DCT_TRANSPOSED.length).set(DCT_TRANSPOSED);
  }

  /** Bytes of memory an image needs beyond the fixed area: its pixels (padded for 16-byte loads) and scratch. */
  bytesFor(image: PixelImage): number {
    return align16(image.data.length + 16) + this.exports.workspaceBytes(image.width, image.height);
  }

  downsample(image: PixelImage): Float32Array {
    const { width, height, channels } = image;
    if (image.data.length < width * height * channels || channels < 1 || channels > 4) {
      throw new VigieError('bad-pixels', `PDQ: ${image.data.length} bytes cannot hold ${width}x${height} pixels of ${channels} channels`);
    }
    const pixels = this.free;
    const work = align16(pixels + image.data.length + 16);
    this.reserve(pixels + this.bytesFor(image));
    new Uint8Array(this.exports.memory.buffer, pixels, image.data.length).set(image.data);
    this.exports.downsample(pixels, width, height, channels, image.grey ? 1 : 0, work, this.out64);
    return this.floats(this.out64, DOWNSAMPLE * DOWNSAMPLE).slice();
  }

  dct16(buffer64: Float32Array): Float32Array {
    this.floats(this.out64, buffer64.length).set(buffer64);
    this.exports.dct16(this.out64, this.matrix, this.transposed, this.temp, this.dctOut);
    return this.floats(this.dctOut, DCT_SIZE * DCT_SIZE).slice();
  }

  private floats(at: number, length: number): Float32Array {
    return new Float32Array(this.exports.memory.buffer, at, length);
  }

  private reserve(bytes: number): void {
    const { memory } = this.exports;
    if (bytes > memory.buffer.byteLength) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE));
  }
}

let kept: Kernel | undefined;
function keptKernel(): Kernel {
  kept ??= new Kernel();
  return kept;
}

/** Luma, two Jarosz passes and decimation: the 64x64 image PDQ's DCT and quality are computed from. */
export function downsampleTo64(image: PixelImage): Float32Array {
  const kernel = keptKernel();
  return (kernel.bytesFor(image) <= KEPT_WORKSPACE ? kernel : new Kernel()).downsample(image);
}

/** The 16 lowest non-DC frequencies of the 64x64 image's 2-D DCT: D · A · Dᵀ. */
export function dct16(buffer64: Float32Array): Float32Array {
  return keptKernel().dct16(buffer64);
}
