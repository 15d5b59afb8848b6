import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { describeError, VigieError } from '../core/errors.js';
import type { HashRecord, Hashes } from '../core/records.js';
import type { SignalName } from '../core/signals/index.js';
import { DIGEST_NAMES, digestFile, type DigestName } from './crypto.js';
import { IMAGE_SIGNALS, hashImage, type ImageSignalName } from './image.js';
import { sniffFile } from './sniff.js';

export interface HashOptions {
  /** Which hashes to compute; those that do not apply to a file's media are skipped for it. */
  algorithms: readonly SignalName[];
  /** Also the 8 PDQ dihedral variants. */
  dihedral?: boolean;
  /** PDQ from a reduced-size decode (see README, "PDQ fast mode"). */
  pdqFast?: boolean;
  /** Refuse images above this many pixels. */
  maxPixels?: number;
}

export const DEFAULT_ALGORITHMS: readonly SignalName[] = ['md5', 'sha1', 'sha256', 'pdq', 'blockhash'];

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.gif', '.webp', '.bmp', '.tif', '.tiff', '.heic', '.avif']);

/** Hashes one file. Never throws: a file that cannot be hashed gives a record with `error`. */
export async function hashFile(path: string, options: HashOptions): Promise<HashRecord> {
  try {
    return await hashFileOrThrow(path, options);
  } catch (error) {
    return { path, error: describeError(error) };
  }
}

async function hashFileOrThrow(path: string, options: HashOptions): Promise<HashRecord> {
  const info = await stat(path);
  if (!info.isFile()) throw new VigieError('not-a-file', 'not a regular file');
  const digestNames = options.algorithms.filter((name): name is DigestName =>
    (DIGEST_NAMES as readonly string[]).includes(name),
  );
  const imageSignals = options.algorithms.filter((name): name is ImageSignalName =>
    (IMAGE_SIGNALS as readonly string[]).includes(name),
  );
  const [sniffed, { bytes, digests }] = await Promise.all([sniffFile(path), digestFile(path, digestNames)]);
  const hashes: Hashes = { ...digests };
  if (sniffed.media === 'image') {
    const image = await hashImage(path, { ...options, signals: imageSignals });
    return {
      path,
      media: 'image',
      bytes,
      width: image.width,
      height: image.height,
      hashes: { ...hashes, ...image.hashes },
      ...(image.pdqQuality !== undefined && { pdq_quality: image.pdqQuality }),
      ...(image.pdqDihedral && { pdq_dihedral: image.pdqDihedral }),
      ...(image.warnings.length > 0 && { warnings: image.warnings }),
    };
  }
  const warnings: string[] = [];
  if (bytes === 0) warnings.push('empty file');
  else if (sniffed.media === 'video') warnings.push(`video (${sniffed.format}): frame hashing is not available yet`);
  else if (IMAGE_EXTENSIONS.has(extname(path).toLowerCase())) {
    warnings.push(`named like an image (${extname(path)}) but its content is not an image`);
  }
  return { path, media: 'other', bytes, hashes, ...(warnings.length > 0 && { warnings }) };
}
