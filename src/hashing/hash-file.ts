import { isoNow } from '../core/clock.js';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { describeError, VigieError } from '../core/errors.js';
import { TOOL, type Producer } from '../core/producer.js';
import type { HashRecord, Hashes } from '../core/records.js';
import type { SignalName } from '../core/signals/index.js';
import { DIGEST_NAMES, digestBytes, digestFile, type DigestName } from '../core/digest.js';
import { DECODER_VERSION, IMAGE_SIGNALS, type ImageSignalName } from './decoder.js';
import { SNIFF_BYTES, sniffFile, sniffMedia, type SniffResult } from './sniff.js';
import type { VideoHashOptions } from './video/hash-video.js';

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
export async function hashFile(path: string, options: HashOptions, signal?: AbortSignal): Promise<HashRecord> {
  try {
    signal?.throwIfAborted();
    return await hashFileOrThrow(path, options, signal);
  } catch (error) {
    return errorRecord(path, error);
  }
}

/**
 * Hashes bytes already in memory (a partner's upload, a fetched body) as `hashFile` hashes a file; `name` labels the
 * record (its `path`) and its extension counts as a file's would. A video is decoded from a private temporary copy,
 * removed afterwards, since ffmpeg reads files. Never throws.
 */
export async function hashBytes(bytes: Uint8Array, name: string, options: HashOptions, signal?: AbortSignal): Promise<HashRecord> {
  try {
    signal?.throwIfAborted();
    const contents = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const digests = await digestBytes(contents, digestNames(options));
    return await describeMedia(
      { name, sniffed: sniffMedia(contents.subarray(0, SNIFF_BYTES)), bytes: digests.bytes, hashes: { ...digests.digests }, image: contents },
      options,
      signal,
      (hash) => withTemporaryCopy(contents, extname(name), hash),
    );
  } catch (error) {
    return errorRecord(name, error);
  }
}

function errorRecord(path: string, error: unknown): HashRecord {
  return { path, error: describeError(error), ...observed({ tool: TOOL }) };
}

const observed = (producer: Producer) => ({ observedAt: isoNow(), producer });

const digestNames = (options: HashOptions) =>
  options.algorithms.filter((name): name is DigestName => (DIGEST_NAMES as readonly string[]).includes(name));

/**
 * Whether the decoders run: not when only cryptographic hashes are asked for (then neither sharp nor ffmpeg starts).
 * An empty list still decodes, as vPDQ follows from the media rather than from the list.
 */
const decodes = (options: HashOptions) =>
  options.algorithms.length === 0 || options.algorithms.some((name) => !(DIGEST_NAMES as readonly string[]).includes(name));

async function hashFileOrThrow(path: string, options: HashOptions, signal: AbortSignal | undefined): Promise<HashRecord> {
  const info = await stat(path);
  if (!info.isFile()) throw new VigieError('not-a-file', 'not a regular file');
  // A file of ordinary size is read once, and its digests, its sniffing and its decoding share that read.
  const contents = info.size <= IN_MEMORY_BYTES ? await readFile(path, { signal }) : undefined;
  const [sniffed, { bytes, digests }] = contents
    ? [sniffMedia(contents.subarray(0, SNIFF_BYTES)), await digestBytes(contents, digestNames(options))]
    : await Promise.all([sniffFile(path), digestFile(path, digestNames(options))]);
  return describeMedia({ name: path, sniffed, bytes, hashes: { ...digests }, image: contents ?? path }, options, signal, (hash) => hash(path));
}

interface Contents {
  name: string;
  sniffed: SniffResult;
  bytes: number;
  hashes: Hashes;
  /** What the image decoder reads: the bytes when they were read, else the path. */
  image: string | Buffer;
}

/** The record for sniffed contents: images and videos decoded only when a perceptual hash is wanted. */
async function describeMedia(
  contents: Contents,
  options: HashOptions,
  signal: AbortSignal | undefined,
  onVideoFile: <T>(hash: (path: string) => Promise<T>) => Promise<T>,
): Promise<HashRecord> {
  const { name: path, sniffed, bytes, hashes } = contents;
  const extension = extname(path);
  const decode = decodes(options);
  const producer: Producer = decode ? { tool: TOOL, decoderVersion: DECODER_VERSION } : { tool: TOOL };
  if (sniffed.media === 'image') {
    if (!decode) return { path, media: 'image', bytes, hashes, ...observed(producer) };
    const { hashImage } = await import('./image.js');
    const signals = options.algorithms.filter((name): name is ImageSignalName => (IMAGE_SIGNALS as readonly string[]).includes(name));
    const image = await hashImage(contents.image, { ...options, signals });
    return {
      path,
      media: 'image',
      bytes,
      width: image.width,
      height: image.height,
      hashes: { ...hashes, ...image.hashes },
      ...(image.pdqQuality !== undefined && { pdqQuality: image.pdqQuality }),
      ...(image.pdqDihedral && { pdqDihedral: image.pdqDihedral }),
      ...(image.warnings.length > 0 && { warnings: image.warnings }),
      ...observed(producer),
    };
  }
  if (sniffed.media === 'video' || VIDEO_EXTENSIONS.has(extension.toLowerCase())) {
    if (bytes === 0) throw new VigieError('not-a-video', `named like a video (${extension}) but empty`);
    if (!decode) return { path, media: 'video', bytes, hashes, ...observed(producer) };
    const { hashVideo } = await import('./video/hash-video.js');
    const video = await onVideoFile((file) => hashVideo(file, { ...options, signal }));
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
      ...observed(producer),
    };
  }
  const warnings: string[] = [];
  if (bytes === 0) warnings.push('empty file');
  else if (IMAGE_EXTENSIONS.has(extension.toLowerCase())) {
    warnings.push(`named like an image (${extension}) but its content is not an image`);
  }
  return { path, media: 'other', bytes, hashes, ...(warnings.length > 0 && { warnings }), ...observed({ tool: TOOL }) };
}

/** Runs `hash` on a copy of `contents` in a fresh private directory (mode 0700), removed whatever happens. */
async function withTemporaryCopy<T>(contents: Buffer, extension: string, hash: (path: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'vigie-bytes-'));
  try {
    const file = join(dir, `media${extension.replace(/[^.\w]/g, '')}`);
    await writeFile(file, contents, { mode: 0o600 });
    return await hash(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
