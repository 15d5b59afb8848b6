import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { ExitCode, VigieError } from '../../core/errors.js';
import { walkFiles, type WalkEntry } from '../../core/files.js';
import { isHashError, type HashRecord } from '../../core/records.js';
import { isSignalName, type SignalName } from '../../core/signals/index.js';
import { hashBatch } from '../../hashing/batch.js';
import { DEFAULT_MAX_PIXELS } from '../../hashing/decode.js';
import { DEFAULT_ALGORITHMS } from '../../hashing/hash-file.js';
import { collectInputs, parsePositiveInteger } from '../inputs.js';
import { createRecordWriter, resolveFormat, writeRecords, type Column } from '../output.js';
import { createProgress } from '../progress.js';

/** What `-a` accepts: vPDQ is not chosen but follows from the media (every video gets frame hashes). */
export const HASH_ALGORITHMS = ['md5', 'sha1', 'sha256', 'pdq', 'blockhash', 'blockhash-quick'];

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

const hashColumns = (algorithms: SignalName[]): Column<HashRecord>[] => [
  { header: 'path', value: (r) => r.path },
  { header: 'media', value: (r) => (isHashError(r) ? 'error' : r.media) },
  { header: 'bytes', value: (r) => (isHashError(r) ? '' : r.bytes) },
  { header: 'width', value: (r) => (isHashError(r) || r.media === 'other' ? '' : r.width) },
  { header: 'height', value: (r) => (isHashError(r) || r.media === 'other' ? '' : r.height) },
  ...algorithms.map((name) => ({ header: name, value: (r: HashRecord) => (isHashError(r) ? '' : r.hashes[name]) })),
  { header: 'pdq_quality', value: (r) => (!isHashError(r) && r.media === 'image' ? r.pdq_quality : '') },
  {
    header: 'note',
    value: (r) => (isHashError(r) ? `${r.error.code}: ${r.error.message}` : (r.warnings ?? []).join('; ')),
  },
];

/** How media are decoded, how many at once, and where records go: shared by every command that hashes files. */
export function addMediaCommandOptions(command: Command): Command {
  return command
    .option('--pdq-fast', 'PDQ from a reduced-size decode (short side 640 px): faster, within a few bits of exact')
    .option('--max-pixels <n>', 'refuse images larger than this many pixels', parsePositiveInteger('--max-pixels'), DEFAULT_MAX_PIXELS)
    .option('-f, --format <format>', 'jsonl, csv or table (default: table on a terminal, jsonl otherwise)')
    .option('-o, --output <file>', 'write to this file (atomically) instead of stdout')
    .option('-j, --jobs <n>', 'files hashed in parallel', parsePositiveInteger('--jobs'), availableParallelism());
}

export function registerHash(program: Command): void {
  const command = program
    .command('hash')
    .summary('hash media files: MD5/SHA-1/SHA-256, PDQ, blockhash')
    .description(
      'Hash files and directories (recursively). Images get cryptographic and perceptual hashes; other files get\n' +
        'cryptographic hashes only, with a record saying what they are. Files are recognised by content, not name.',
    )
    .argument('[paths...]', 'files or directories; "-" reads a list of paths from stdin')
    .option('--from <file>', 'read a list of paths, one per line')
    .option(
      '-a, --algorithms <list>',
      `comma-separated, any of ${HASH_ALGORITHMS.join(',')}`,
      parseAlgorithms,
      [...DEFAULT_ALGORITHMS],
    )
    .option('--dihedral', 'also the 8 PDQ rotation/flip variants (orig, rot90, rot180, rot270, flipx, flipy, flipplus1, flipminus1)');
  addMediaCommandOptions(command)
    .addHelpText(
      'after',
      `
Examples:
  vigie hash samples/                       hash every file under samples/
  vigie hash -a sha256,pdq --dihedral a.jpg PDQ with its 8 dihedral variants
  find /case -name '*.jpg' | vigie hash - -f csv -o hashes.csv

Exit codes: 0 all files hashed, 2 usage error, 3 at least one file could not be hashed (its record has "error").`,
    )
    .action(async (paths: string[], options) => {
      const inputs = await collectInputs(paths, options.from);
      const format = resolveFormat(options.format, options.output !== undefined);
      const entries: WalkEntry[] = [];
      for await (const entry of walkFiles(inputs)) entries.push(entry);
      const writer = createRecordWriter(format, hashColumns(options.algorithms), options.output);
      const progress = createProgress('hashing', entries.length);
      let failed = 0;
      const records = hashBatch(entries, {
        algorithms: options.algorithms,
        dihedral: options.dihedral,
        pdqFast: options.pdqFast,
        maxPixels: options.maxPixels,
        jobs: options.jobs,
      });
      await writeRecords(writer, progress, records, (record) => {
        if (isHashError(record)) {
          failed++;
          process.stderr.write(`\rvigie: ${record.path}: ${record.error.message}\n`);
        }
        return true;
      });
      if (failed > 0) {
        process.stderr.write(`vigie: ${failed} of ${entries.length} files could not be hashed\n`);
        process.exitCode = ExitCode.input;
      }
    });
}
