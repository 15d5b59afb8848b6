/**
 * Decoding: file → pixels, with the reference implementations' conventions made explicit (this stage is versioned
 * by DECODER_VERSION because a change here changes hashes):
 * - ICC profiles are ignored (the reference tools read the stored values);
 * - EXIF orientation is not applied;
 * - alpha is kept for blockhash (a fully transparent pixel counts as white) and dropped, not composited, for PDQ;
 * - grey is used as luma directly; 16-bit samples are clipped to 255; Adobe CMYK is converted as CImg does.
 */
import sharp, { type Metadata } from 'sharp';
import { VigieError } from '../core/errors.js';
import type { PixelImage } from './pdq-kernel.js';
import { HASH_MAX_PIXELS } from './settings.js';

export const DECODER_VERSION = 1;

/** The image pixel limit's default (the `hash.maxPixels` setting; `--max-pixels` changes it). */
export const DEFAULT_MAX_PIXELS = HASH_MAX_PIXELS.default;

sharp.cache(false);

export interface ImageInfo {
  format: string;
  width: number;
  height: number;
  /** Frames in an animated image; only the first is hashed. */
  pages: number;
  grey: boolean;
  sixteenBit: boolean;
  cmyk: boolean;
}

/** An image file's path, or its bytes already read. */
export type ImageSource = string | Buffer;

export interface DecodeOptions {
  maxPixels?: number;
}

function corrupt(error: unknown): VigieError {
  const message = error instanceof Error ? error.message.split('\n', 1)[0] : String(error);
  return new VigieError('corrupt-image', `cannot decode image: ${message}`, undefined, { cause: error });
}

function openImage(source: ImageSource, maxPixels: number) {
  // failOn 'warning': a truncated or damaged file is an error, not a silently half-grey hash.
  return sharp(source, { ignoreIcc: true, limitInputPixels: maxPixels, failOn: 'warning' });
}

/** Reads the header only, and refuses what must not be decoded. */
export async function readImageInfo(source: ImageSource, options: DecodeOptions = {}): Promise<ImageInfo> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  let metadata: Metadata;
  try {
    metadata = await sharp(source, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw corrupt(error);
  }
  const { width, height } = metadata;
  if (!width || !height) throw new VigieError('corrupt-image', 'image has no dimensions');
  if (width * height > maxPixels) {
    throw new VigieError(
      'too-large',
      `image is ${width}x${height} (${(width * height).toLocaleString('en')} pixels), over the limit of ` +
        `${maxPixels.toLocaleString('en')} pixels (--max-pixels)`,
    );
  }
  return {
    format: metadata.format ?? 'unknown',
    width,
    height,
    pages: metadata.pages ?? 1,
    grey: metadata.space === 'b-w' || metadata.space === 'grey16' || (metadata.channels ?? 3) <= 2,
    sixteenBit: metadata.depth === 'ushort',
    cmyk: metadata.space === 'cmyk',
  };
}

export interface RgbaImage {
  width: number;
  height: number;
  /** 8-bit RGBA, row-major, alpha as stored. */
  data: Uint8Array;
}

/** RGBA as stored in the file: the input blockhash expects, and (alpha aside) PDQ's for ordinary images. */
export async function decodeRgba(source: ImageSource, options: DecodeOptions = {}): Promise<RgbaImage> {
  try {
    const { data, info: raw } = await openImage(source, options.maxPixels ?? DEFAULT_MAX_PIXELS)
      .toColourspace('srgb')
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { width: raw.width, height: raw.height, data };
  } catch (error) {
    throw corrupt(error);
  }
}

async function decodeClipped16(source: ImageSource, info: ImageInfo, maxPixels: number): Promise<PixelImage> {
  const { data, info: raw } = await openImage(source, maxPixels)
    .removeAlpha()
    .toColourspace(info.grey ? 'grey16' : 'rgb16')
    .raw({ depth: 'ushort' })
    .toBuffer({ resolveWithObject: true });
  const samples = new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2);
  const clipped = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) clipped[i] = samples[i] > 255 ? 255 : samples[i];
  return { data: clipped, width: raw.width, height: raw.height, channels: raw.channels };
}

/**
 * Math.round(x / 255) for x = a·b with a, b in 0..255, without a division (exact over that whole range, which a test
 * checks value by value; x / 255 is never a tie, 255 being odd).
 */
export function roundedDiv255(x: number): number {
  return (x + 128 + ((x + 128) >> 8)) >> 8;
}

async function decodeAdobeCmyk(source: ImageSource, maxPixels: number): Promise<PixelImage> {
  const { data, info: raw } = await openImage(source, maxPixels)
    .pipelineColourspace('cmyk')
    .toColourspace('cmyk')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const count = raw.width * raw.height;
  const rgb = new Uint8Array(count * 3);
  // libvips un-inverts Adobe CMYK; CImg multiplies the stored (inverted) values: R = C·K/255 on those.
  for (let i = 0, p = 0, q = 0; i < count; i++, p += 4, q += 3) {
    const k = 255 - data[p + 3];
    rgb[q] = roundedDiv255((255 - data[p]) * k);
    rgb[q + 1] = roundedDiv255((255 - data[p + 1]) * k);
    rgb[q + 2] = roundedDiv255((255 - data[p + 2]) * k);
  }
  return { data: rgb, width: raw.width, height: raw.height, channels: 3 };
}

/**
 * Pixels for PDQ. `rgba` is the already-decoded image when there is one (the common case costs no second decode);
 * 16-bit and CMYK images need their own decode to follow the reference's conversions.
 */
export async function decodePdqPixels(
  source: ImageSource,
  info: ImageInfo,
  rgba: RgbaImage | undefined,
  options: DecodeOptions = {},
): Promise<PixelImage> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  try {
    if (info.sixteenBit) return await decodeClipped16(source, info, maxPixels);
    if (info.cmyk) return await decodeAdobeCmyk(source, maxPixels);
    const image = rgba ?? (await decodeRgba(source, options));
    return { ...image, channels: 4, grey: info.grey };
  } catch (error) {
    throw error instanceof VigieError ? error : corrupt(error);
  }
}

/**
 * The size PDQ's fast mode decodes to, on the short side. At 512 px one reference PNG drifted 12 bits from the exact
 * hash (when fast mode still resized PNGs); at 640 px no reference image of quality >= 80 drifted more than 6.
 */
export const FAST_MODE_SHORT_SIDE = 640;

/**
 * sharp shrinks a JPEG on load (DCT scaling by 2, 4 or 8) only when the requested reduction is at least one step more
 * than the factor (libjpeg rounding), so by 2 only from 3x: below that, a reduced decode would cost a full decode plus
 * a resize, more than the exact mode.
 */
const MIN_JPEG_REDUCTION = 3;

/**
 * Whether fast mode can save work on this image: JPEG photos of 1920 px or more on the short side. Everything else
 * (smaller images, PNG and formats whose decoder cannot shrink, 16-bit, CMYK) gets the exact decode, so fast mode is never
 * slower than exact mode.
 */
export function shrinksOnLoad(info: ImageInfo): boolean {
  const shortSide = Math.min(info.width, info.height);
  return info.format === 'jpeg' && !info.cmyk && !info.sixteenBit && shortSide >= MIN_JPEG_REDUCTION * FAST_MODE_SHORT_SIDE;
}

/** Fast mode, where shrinksOnLoad: the JPEG decoder shrinks on load, then a resize to 640 px on the short side. */
export async function decodeFastPixels(source: ImageSource, info: ImageInfo, options: DecodeOptions = {}): Promise<PixelImage> {
  const shortSide = Math.min(info.width, info.height);
  const scale = FAST_MODE_SHORT_SIDE / shortSide;
  try {
    const { data, info: raw } = await openImage(source, options.maxPixels ?? DEFAULT_MAX_PIXELS)
      .resize({
        width: Math.round(info.width * scale),
        height: Math.round(info.height * scale),
        fit: 'fill',
        kernel: 'linear',
        fastShrinkOnLoad: true,
      })
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data, width: raw.width, height: raw.height, channels: raw.channels, grey: info.grey };
  } catch (error) {
    throw corrupt(error);
  }
}
