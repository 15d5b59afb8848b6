import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { ExitCode, VigieError } from '../../core/errors.js';
import { walkFiles, type WalkEntry } from '../../core/files.js';
import { isHashError, type HashRecord } from '../../core/records.js';
import { isSignalName, type SignalName } from '../../core/signals/index.js';
import { hashBatch, type BatchOptions } from '../../hashing/batch.js';
import { DEFAULT_MAX_PIXELS } from '../../hashing/decoder.js';
import { DEFAULT_ALGORITHMS } from '../../hashing/hash-file.js';
import { parseFrameMode, parseFrameSize } from '../../hashing/video/frames.js';
import { DEFAULT_MAX_VIDEO_PIXELS, DEFAULT_VIDEO_TIMEOUT_SECONDS } from '../../hashing/video/hash-video.js';
import { VpdqDirectoryWriter } from '../../hashing/video/vpdq-writer.js';
import { collectInputs, parsePositiveInteger } from '../inputs.js';
import { writeBatch } from '../batch.js';
import { resolveFormat, type Column } from '../output.js';

/**
 * What `-a` accepts. A video gets its frame hashes (vPDQ) whenever any perceptual hash is asked for (`pdq`, `vpdq`,
 * `blockhash`); with cryptographic hashes only, nothing is decoded: no sharp, no ffmpeg.
 */
export const HASH_ALGORITHMS = ['md5', 'sha1', 'sha256', 'pdq', 'blockhash', 'blockhash-quick', 'vpdq'];

export function parseAlgorithms(list: string): SignalName[] {
  const names = list
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  const unknown = names.filter((name) => !isSignalName(name) || !HASH_ALGORITHMS.includes(name));
  if (unknown.length > 0 || names.length === 0) {
    throw new VigieError('usage', `unknown algorithm "${unknown.join(',')}" (known: ${HASH_ALGORITHMS.join(', ')})`, 2);
  }
  return names as SignalName[];
}

/**
 * A terminal cannot show five 64-digit hashes side by side: the table shows their first 16 digits. MD5 and SHA-1
 * stay whole, since analysts compare them with other tools' output by eye.
 */
const abbreviate = (hash: string | undefined, table: boolean) => (hash && table && hash.length >= 64 ? `${hash.slice(0, 16)}…` : hash);

const hashColumns = (algorithms: SignalName[], table: boolean): Column<HashRecord>[] => [
  { header: 'path', value: (r) => r.path },
  { header: 'media', value: (r) => (isHashError(r) ? 'error' : r.media) },
  { header: 'bytes', value: (r) => (isHashError(r) ? '' : r.bytes) },
  { header: 'width', value: (r) => (isHashError(r) || r.media === 'other' ? '' : r.width) },
  { header: 'height', value: (r) => (isHashError(r) || r.media === 'other' ? '' : r.height) },
  ...algorithms.filter((name) => name !== 'vpdq').map((name) => ({
    header: name,
    value: (r: HashRecord) => (isHashError(r) ? '' : abbreviate(r.hashes[name], table)),
  })),
  { header: 'pdqQuality', value: (r) => (!isHashError(r) && r.media === 'image' ? r.pdqQuality : '') },
  { header: 'frames', value: (r) => (!isHashError(r) && r.media === 'video' ? r.frames?.length : '') },
  {
    header: 'note',
    value: (r) => (isHashError(r) ? `${r.error.code}: ${r.error.message}` : (r.warnings ?? []).join('; ')),
  },
];

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
    .option('-j, --jobs <n>', 'files hashed in parallel', parsePositiveInteger('--jobs'), availableParallelism());
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

export function registerHash(program: Command): void {
  const command = program
    .command('hash')
    .summary('hash media files: MD5/SHA-1/SHA-256, PDQ, blockhash, vPDQ')
    .description(
      'Hash files and directories (recursively). Images get cryptographic and perceptual hashes, videos PDQ hashes\n' +
        'of their frames (vPDQ, with ffmpeg); other files get cryptographic hashes only, with a record saying what\n' +
        'they are. Files are recognised by content, not name.',
    )
    .argument('[paths...]', 'files or directories; "-" reads a list of paths from stdin')
    .option('--from <file>', 'read a list of paths, one per line')
    .option(
      '-a, --algorithms <list>',
      `comma-separated, any of ${HASH_ALGORITHMS.join(',')}`,
      parseAlgorithms,
      [...DEFAULT_ALGORITHMS],
    )
    .option('--dihedral', 'also the 8 PDQ rotation/flip variants (orig, rot90, rot180, rot270, flipx, flipy, flipplus1, flipminus1)')
    .option('--vpdq-out <dir>', "also write each video's frame hashes to <dir>/<name>.txt in Meta's vPDQ format");
  addMediaCommandOptions(command)
    .addHelpText(
      'after',
      `
Examples:
  vigie hash samples/                       hash every file under samples/
  vigie hash -a sha256,pdq --dihedral a.jpg PDQ with its 8 dihedral variants
  find /case -name '*.jpg' | vigie hash - -f csv -o hashes.csv
  vigie hash --frames all --vpdq-out vpdq/ clip.mp4   every frame, plus vpdq/clip.txt in Meta's format
  vigie hash --frames fps:1 --frame-size 128x128 videos/   one frame per second, scaled to 128x128

Exit codes: 0 all files hashed, 2 usage error, 3 at least one file could not be hashed (its record has "error")
or no file was found under the paths given.`,
    )
    .action(async (paths: string[], options) => {
      const inputs = await collectInputs(paths, options.from);
      const format = resolveFormat(options.format, options.output !== undefined);
      const entries: WalkEntry[] = [];
      for await (const entry of walkFiles(inputs)) entries.push(entry);
      if (entries.length === 0) {
        throw new VigieError('nothing-found', `no file found under ${inputs.join(', ').slice(0, 200)}: nothing was hashed`, ExitCode.input);
      }
      const vpdqWriter = options.vpdqOut ? new VpdqDirectoryWriter(options.vpdqOut) : undefined;
      const records = hashBatch(entries, { ...batchOptionsFrom(options), algorithms: options.algorithms });
      await writeBatch(vpdqWriter ? writingVpdqFiles(records, vpdqWriter) : records, {
        format,
        columns: hashColumns(options.algorithms, format === 'table'),
        output: options.output,
        label: 'hashing',
        total: entries.length,
        failure: (record) => (isHashError(record) ? { name: record.path, error: record.error } : undefined),
        failedSummary: 'files could not be hashed',
      });
    });
}

/** Passes records through, writing each video's frame hashes as a vPDQ file on the way (`--vpdq-out`). */
async function* writingVpdqFiles(records: AsyncIterable<HashRecord>, writer: VpdqDirectoryWriter) {
  for await (const record of records) {
    if (!isHashError(record) && record.media === 'video' && record.frames) await writer.write(record.path, record.frames);
    yield record;
  }
}
