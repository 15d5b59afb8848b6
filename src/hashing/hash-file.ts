import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { describeError, VigieError } from '../core/errors.js';
import type { HashRecord, Hashes } from '../core/records.js';
import type { SignalName } from '../core/signals/index.js';
import { DIGEST_NAMES, digestBytes, digestFile, type DigestName } from '../core/digest.js';
import { IMAGE_SIGNALS, hashImage, type ImageSignalName } from './image.js';
import { SNIFF_BYTES, sniffFile, sniffMedia } from './sniff.js';
import { hashVideo, type VideoHashOptions } from './video/hash-video.js';

export interface HashOptions extends Omit<VideoHashOptions, 'signal'> {
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
/** Files named like this go to ffprobe even when their first bytes are not a known video signature. */
const VIDEO_EXTENSIONS = new Set([
  '.mp4', '.m4v', '.mov', '.3gp', '.3g2', '.mkv', '.webm', '.avi', '.flv', '.ts', '.mts', '.m2ts', '.mpg', '.mpeg',
  '.wmv', '.asf', '.ogv', '.vob',
]);

/** Files up to this size are read into memory once; larger ones are streamed (a 2 GB video is never held whole). */
const IN_MEMORY_BYTES = 64 * 2 ** 20;

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
  // A file of ordinary size is read once, and its digests, its sniffing and its decoding share that read.
  const contents = info.size <= IN_MEMORY_BYTES ? await readFile(path) : undefined;
  const [sniffed, { bytes, digests }] = contents
    ? [sniffMedia(contents.subarray(0, SNIFF_BYTES)), await digestBytes(contents, digestNames)]
    : await Promise.all([sniffFile(path), digestFile(path, digestNames)]);
  const hashes: Hashes = { ...digests };
  const extension = extname(path);
  if (sniffed.media === 'image') {
    const image = await hashImage(contents ?? path, { ...options, signals: imageSignals });
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
  if (sniffed.media === 'video' || VIDEO_EXTENSIONS.has(extension.toLowerCase())) {
    if (bytes === 0) throw new VigieError('not-a-video', `named like a video (${extension}) but empty`);
    const video = await hashVideo(path, options);
    return {
      path,
      media: 'video',
      bytes,
      width: video.width,
      height: video.height,
      duration: video.duration,
      fps: video.fps,
      codec: video.codec,
      hashes,
      frames: video.frames,
      ...(video.warnings.length > 0 && { warnings: video.warnings }),
    };
  }
  const warnings: string[] = [];
  if (bytes === 0) warnings.push('empty file');
  else if (IMAGE_EXTENSIONS.has(extension.toLowerCase())) {
    warnings.push(`named like an image (${extension}) but its content is not an image`);
  }
  return { path, media: 'other', bytes, hashes, ...(warnings.length > 0 && { warnings }) };
}
