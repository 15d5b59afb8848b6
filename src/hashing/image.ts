import type { Hashes } from '../core/records.js';
import { blockhashPrecise, blockhashQuick } from './blockhash.js';
import {
  decodeFastPixels,
  decodePdqPixels,
  decodeRgba,
  readImageInfo,
  shrinksOnLoad,
  type DecodeOptions,
  type ImageSource,
  type RgbaImage,
} from './decode.js';
import type { ImageSignalName } from './decoder.js';
import { pdqFromPixels } from './pdq.js';

export { IMAGE_SIGNALS, type ImageSignalName } from './decoder.js';

export interface ImageHashOptions extends DecodeOptions {
  signals: readonly ImageSignalName[];
  dihedral?: boolean;
  /** Decode at reduced size for PDQ (see decodeFastPixels). */
  pdqFast?: boolean;
}

export interface ImageHashes {
  width: number;
  height: number;
  hashes: Hashes;
  pdqQuality?: number;
  pdqDihedral?: string[];
  warnings: string[];
}

/** Perceptual hashes of one image file; the image is decoded once for all of them whenever the rules allow. */
export async function hashImage(source: ImageSource, options: ImageHashOptions): Promise<ImageHashes> {
  const info = await readImageInfo(source, options);
  const result: ImageHashes = { width: info.width, height: info.height, hashes: {}, warnings: [] };
  if (info.pages > 1) result.warnings.push(`animated image with ${info.pages} frames: only the first frame was hashed`);
  const wantsBlockhash = options.signals.includes('blockhash') || options.signals.includes('blockhash-quick');
  const fast = options.pdqFast === true && shrinksOnLoad(info);
  const pdqNeedsRgba = options.signals.includes('pdq') && !fast && !info.sixteenBit && !info.cmyk;
  let rgba: RgbaImage | undefined;
  if (wantsBlockhash || pdqNeedsRgba) rgba = await decodeRgba(source, options);
  if (options.signals.includes('pdq')) {
    const pixels = fast
      ? await decodeFastPixels(source, info, options)
      : await decodePdqPixels(source, info, rgba, options);
    const pdq = pdqFromPixels(pixels, { dihedral: options.dihedral });
    result.hashes.pdq = pdq.hash;
    result.pdqQuality = pdq.quality;
    result.pdqDihedral = pdq.dihedral;
  }
  if (rgba && options.signals.includes('blockhash')) result.hashes.blockhash = blockhashPrecise(rgba);
  if (rgba && options.signals.includes('blockhash-quick')) result.hashes['blockhash-quick'] = blockhashQuick(rgba);
  return result;
}
