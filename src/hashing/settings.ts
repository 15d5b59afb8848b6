/**
 * The hashing settings (see src/core/config.ts): each default is written here once; decode.ts, hash-video.ts and
 * the CLI options read it from here. Light on purpose: listing them loads no decoder.
 */
import { availableParallelism } from 'node:os';
import { defineSetting, integerValue } from '../core/config.js';

const MEDIA_COMMANDS = (attribute: string) => ({ hash: attribute, match: attribute });

export const HASH_JOBS = defineSetting({
  key: 'hash.jobs',
  description: 'files hashed in parallel (worker threads)',
  default: availableParallelism(),
  parse: integerValue(1),
  options: MEDIA_COMMANDS('jobs'),
});

/** 64 megapixels: above this an image is refused as a likely decompression bomb. */
export const HASH_MAX_PIXELS = defineSetting({
  key: 'hash.maxPixels',
  description: 'images larger than this many pixels are refused',
  default: 64_000_000,
  parse: integerValue(1),
  options: MEDIA_COMMANDS('maxPixels'),
});

/** 10 minutes per file: generous for long videos in keyframes mode. */
export const VIDEO_TIMEOUT_SECONDS = defineSetting({
  key: 'video.timeoutSeconds',
  description: 'give up on a video after this many seconds',
  default: 600,
  parse: integerValue(1),
  options: MEDIA_COMMANDS('videoTimeout'),
});

/**
 * 8192x4320 (8K, DCI width): above this a stream is refused before decoding. A decoded RGB frame and PDQ's float
 * buffers take about 11 bytes per pixel, so the limit keeps one file's memory near 400 MB.
 */
export const VIDEO_MAX_PIXELS = defineSetting({
  key: 'video.maxPixels',
  description: 'videos whose frames have more pixels than this are refused',
  default: 8192 * 4320,
  parse: integerValue(1),
  options: MEDIA_COMMANDS('maxVideoPixels'),
});
