import type { Command } from 'commander';
import { ExitCode, VigieError } from '../../core/errors.js';
import { walkFiles, type WalkEntry } from '../../core/files.js';
import { isHashError, type HashRecord } from '../../core/records.js';
import type { SignalName } from '../../core/signals/index.js';
import { DEFAULT_ALGORITHMS, hashBatch, VpdqDirectoryWriter } from '../../hashing/index.js';
import { collectInputs } from '../inputs.js';
import { addMediaCommandOptions, batchOptionsFrom, HASH_ALGORITHMS, parseAlgorithms } from '../media-options.js';
import { writeBatch } from '../batch.js';
import { runSignal } from '../interrupt.js';
import { resolveFormat, type Column } from '../output.js';

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
    fixed: true,
  })),
  { header: 'pdqQuality', value: (r) => (!isHashError(r) && r.media === 'image' ? r.pdqQuality : '') },
  { header: 'frames', value: (r) => (!isHashError(r) && r.media === 'video' ? r.frames?.length : '') },
  {
    header: 'note',
    value: (r) => (isHashError(r) ? `${r.error.code}: ${r.error.message}` : (r.warnings ?? []).join('; ')),
  },
];

export function registerHash(program: Command): void {
  const command = program
    .command('hash')
    .description(
      'Hash files and directories (recursively). Images get cryptographic and perceptual hashes, videos PDQ hashes ' +
        'of their frames (vPDQ, with ffmpeg); other files get cryptographic hashes only, with a record saying what ' +
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
      const records = hashBatch(entries, { ...batchOptionsFrom(options), algorithms: options.algorithms, signal: runSignal });
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
