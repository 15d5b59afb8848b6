import type { Command } from 'commander';
import { ExitCode, VigieError } from '../core/errors.js';
import { isSignalName, type SignalName } from '../core/signals/index.js';
import {
  DEFAULT_MAX_PIXELS,
  DEFAULT_MAX_VIDEO_PIXELS,
  DEFAULT_VIDEO_TIMEOUT_SECONDS,
  parseFrameMode,
  parseFrameSize,
  type BatchOptions,
} from '../hashing/index.js';
import { HASH_JOBS } from '../hashing/settings.js';
import { parsePositiveInteger } from './inputs.js';

/** What `-a` accepts: vPDQ is not chosen but follows from the media (every video gets frame hashes). */
export const HASH_ALGORITHMS = ['md5', 'sha1', 'sha256', 'pdq', 'blockhash', 'blockhash-quick'];

export function parseAlgorithms(list: string): SignalName[] {
  const names = list
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  const unknown = names.filter((name) => !isSignalName(name) || !HASH_ALGORITHMS.includes(name));
  if (unknown.length > 0 || names.length === 0) {
    throw new VigieError('usage', `unknown algorithm "${unknown.join(',')}" (known: ${HASH_ALGORITHMS.join(', ')})`, ExitCode.usage);
  }
  return names as SignalName[];
}

/** How images and videos are decoded, how many at once, and where records go: every command that hashes files. */
export function addMediaCommandOptions(command: Command): Command {
  return command
    .option('--pdq-fast', 'PDQ from a reduced-size decode (short side 640 px): faster, within a few bits of exact')
    .option('--max-pixels <n>', 'refuse images larger than this many pixels', parsePositiveInteger('--max-pixels'), DEFAULT_MAX_PIXELS)
    .option(
      '--frames <mode>',
      'video frames to hash: keyframes (default), fps:<n> (n per second) or all (the reference vPDQ mode)',
      parseFrameMode,
    )
    .option('--frame-size <WxH>', 'scale video frames to this size before hashing (e.g. 128x128); default native', parseFrameSize)
    .option('--ffmpeg <path>', 'ffmpeg to use (default: $VIGIE_FFMPEG, ffmpeg-static if installed, then PATH)')
    .option(
      '--video-timeout <seconds>',
      'give up on a video after this long',
      parsePositiveInteger('--video-timeout'),
      DEFAULT_VIDEO_TIMEOUT_SECONDS,
    )
    .option(
      '--max-video-pixels <n>',
      'refuse videos whose frames have more pixels than this',
      parsePositiveInteger('--max-video-pixels'),
      DEFAULT_MAX_VIDEO_PIXELS,
    )
    .option('-f, --format <format>', 'jsonl, csv or table (default: table on a terminal, jsonl otherwise)')
    .option('-o, --output <file>', 'write to this file (atomically) instead of stdout')
    .option('-j, --jobs <n>', 'files hashed in parallel', parsePositiveInteger('--jobs'), HASH_JOBS.default);
}

/** The batch options that addMediaCommandOptions' flags (and --dihedral) stand for; the caller adds algorithms. */
export function batchOptionsFrom(options: Record<string, unknown>): Omit<BatchOptions, 'algorithms'> {
  return {
    dihedral: options.dihedral as boolean | undefined,
    pdqFast: options.pdqFast as boolean | undefined,
    maxPixels: options.maxPixels as number,
    frames: options.frames as BatchOptions['frames'],
    frameSize: options.frameSize as BatchOptions['frameSize'],
    ffmpeg: options.ffmpeg as string | undefined,
    videoTimeout: options.videoTimeout as number,
    maxVideoPixels: options.maxVideoPixels as number,
    jobs: options.jobs as number,
  };
}

