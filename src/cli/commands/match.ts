import type { Command } from 'commander';
import { inBatches } from '../../core/concurrency.js';
import { ExitCode, VigieError } from '../../core/errors.js';
import { walkFiles } from '../../core/files.js';
import { isMatchError, type MatchOutput } from '../../core/match.js';
import type { HashRecord } from '../../core/records.js';
import type { SignalName } from '../../core/signals/index.js';
import { hashBatch } from '../../hashing/index.js';
import { detectFormat, FORMAT_NAMES, loadHashSet, readListAsHashRecords, type FormatName } from '../../hashsets/index.js';
import { Matcher, notComparable, readHashRecords } from '../../matching/index.js';
import { collectInputs, parseInteger, parseThresholds } from '../inputs.js';
import { writeBatch } from '../batch.js';
import { resolveFormat, summary, type Column } from '../output.js';
import { addMediaCommandOptions, batchOptionsFrom, HASH_ALGORITHMS, parseAlgorithms } from '../media-options.js';
import { MATCH_MIN_PDQ_QUALITY } from '../../matching/settings.js';

/** Sets of at least this many hashes are queried from worker threads (-j of them). */
const WORKER_THRESHOLD = 1_000_000;
/** Records matched together: enough to keep every worker busy, few enough to keep output flowing. */
const MATCH_BATCH = 256;

const matchColumns: Column<MatchOutput>[] = [
  { header: 'path', value: (r) => r.path },
  { header: 'matches', value: (r) => (isMatchError(r) ? '' : r.matches.length) },
  { header: 'best set', value: (r) => (isMatchError(r) ? '' : r.matches[0]?.set) },
  { header: 'signal', value: (r) => (isMatchError(r) ? '' : r.matches[0]?.signal) },
  { header: 'distance', value: (r) => (isMatchError(r) ? '' : r.matches[0]?.distance) },
  { header: 'variant', value: (r) => (isMatchError(r) ? '' : (r.matches[0]?.variant ?? '')) },
  { header: 'category', value: (r) => (isMatchError(r) || !r.category ? '' : `${r.category.scheme} ${r.category.value}`) },
  {
    header: 'note',
    value: (r) =>
      isMatchError(r)
        ? `${r.error.code}: ${r.error.message}`
        : [
            ...(r.category_conflict ? [`category conflict: ${r.category_conflict.map((c) => `${c.set} ${c.scheme} ${c.value}`).join(' / ')}`] : []),
            ...(r.warnings ?? []),
          ].join('; '),
  },
];

function parseListFormat(name: string): FormatName {
  if (!(FORMAT_NAMES as readonly string[]).includes(name)) {
    throw new VigieError('usage', `unknown list format "${name}" (known: ${FORMAT_NAMES.join(', ')})`, ExitCode.usage);
  }
  return name as FormatName;
}

function parsePercents(text: string): { query: number; target: number } {
  const [query, target = '0'] = text.split(',').map((part) => part.trim());
  const values = [Number(query), Number(target)];
  if (!values.every((value) => Number.isFinite(value) && value >= 0 && value <= 100)) {
    throw new VigieError('usage', `--video-percent takes QUERY[,TARGET] percentages 0–100, not "${text}"`, ExitCode.usage);
  }
  return { query: values[0], target: values[1] };
}

/** What to hash media for: the signals the sets hold (the others could not match), plus SHA-256 for the report. */
function algorithmsFor(setSignals: SignalName[], requested: SignalName[] | undefined): SignalName[] {
  const hashable = setSignals.filter((signal) => HASH_ALGORITHMS.includes(signal));
  const algorithms = requested ?? [...new Set<SignalName>(['sha256', ...hashable])];
  const carried: SignalName[] = [...algorithms, 'vpdq'];
  if (!setSignals.some((signal) => carried.includes(signal))) throw notComparable(setSignals, algorithms);
  return algorithms;
}

export function registerMatch(program: Command): void {
  const command = program
    .command('match')
    .description(
      'Match files and directories (hashed on the fly) or the records of "vigie hash" (--hashes) against native\n' +
        'hash sets: cryptographic hashes by equality, PDQ and blockhash by Hamming distance (thresholds per signal,\n' +
        'per set, or by flag), videos by the vPDQ share of matching frames. One record per input, best match first.',
    )
    .argument('[inputs...]', 'files or directories; "-" reads a list of paths from stdin')
    .requiredOption('--against <sets...>', 'native hash set stores (made by "vigie hashset import")')
    .option('--hashes <file>', 'match the records of a "vigie hash" JSON Lines file ("-": stdin), or any hash list, instead of media')
    .option('--hashes-format <name>', `format of the --hashes list (default: detected): ${FORMAT_NAMES.join(', ')}`, parseListFormat)
    .option('--from <file>', 'read a list of paths, one per line')
    .option('-t, --threshold <list>', 'thresholds in bits overriding the sets\' own, e.g. pdq=20,blockhash=8', parseThresholds)
    .option('--min-quality <n>', 'PDQ quality under which a hash is not matched on (0–100)', parseInteger('--min-quality', 0, 100), MATCH_MIN_PDQ_QUALITY.default)
    .option('--dihedral', 'also match the 8 PDQ rotations/flips and report which matched')
    .option('--video-percent <q[,t]>', 'video match: share of input frames [and of set frames] matching (default 80,0)', parsePercents)
    .option('--only-matched', 'output only inputs that matched')
    .option('--only-unmatched', 'output only inputs that did not match (errors are always output)')
    .option('--fail-on-match', 'exit 1 when any input matched')
    .option('-a, --algorithms <list>', `hashes to compute (default: those the sets hold, plus sha256)`, parseAlgorithms)
    .option('--no-index-cache', 'build indexes in memory, do not read or write <set>.mih files');
  addMediaCommandOptions(command)
    .addHelpText(
      'after',
      `
Examples:
  vigie match case/ --against ncmec.vhs iwf.vhs          hash case/ and match it against two sets
  vigie match photo.jpg --against own.vhs --dihedral     also rotated and mirrored copies
  vigie hash case/ -o case.jsonl && vigie match --hashes case.jsonl --against ncmec.vhs --only-unmatched
  vigie match upload/ --against ncmec.vhs --fail-on-match -f csv -o report.csv

Defaults: PDQ <= 31 bits with quality >= 50, blockhash <= 10 of 256, videos when >= 80 % of the input's frames match
(vPDQ, frames within 31 bits). Each set may carry its own thresholds; -t overrides them all.
Indexes are kept beside each set as <set>.mih and rebuilt when the set changes or the file is damaged.

Exit codes: 0 done, 1 something matched and --fail-on-match was given, 2 usage error, 3 an input could not be
matched (bad hash, unreadable file, no hash of a type the sets hold; its record has "error"), or a set is empty.`,
    )
    .action(async (paths: string[], options) => {
      if (options.onlyMatched && options.onlyUnmatched) {
        throw new VigieError('usage', '--only-matched and --only-unmatched exclude each other', ExitCode.usage);
      }
      if (options.hashes !== undefined && paths.length > 0) {
        throw new VigieError('usage', 'give either media inputs or --hashes, not both', ExitCode.usage);
      }
      const format = resolveFormat(options.format, options.output !== undefined);
      const sets = await Promise.all((options.against as string[]).map((path) => loadHashSet(path)));
      const matcher = await Matcher.open(sets, {
        thresholds: options.threshold,
        minPdqQuality: options.minQuality,
        dihedral: options.dihedral,
        videoPercents: options.videoPercent,
        noIndexCache: !options.indexCache,
        report: (message) => process.stderr.write(`vigie: ${message}\n`),
      });
      let records: AsyncIterable<HashRecord>;
      let total = 0;
      if (options.hashes !== undefined) {
        const listFormat = options.hashesFormat ?? (options.hashes === '-' ? 'jsonl' : await detectFormat(options.hashes));
        // vigie hash's own records keep what a list cannot carry (dihedral variants, quality, video frames).
        records = listFormat === 'jsonl' ? readHashRecords(options.hashes) : readListAsHashRecords(options.hashes, listFormat);
      } else {
        const algorithms = algorithmsFor(matcher.signals, options.algorithms);
        const entries = [];
        for await (const entry of walkFiles(await collectInputs(paths, options.from))) entries.push(entry);
        total = entries.length;
        records = hashBatch(entries, { ...batchOptionsFrom(options), algorithms });
      }
      const counts = { inputs: 0, matched: 0, unmatched: 0 };
      // Worker threads pay for themselves on large sets only (start-up, and hash arrays copied to shared memory).
      const setHashes = sets.reduce((total, set) => total + Object.values(set.arrays).reduce((n, a) => n + (a?.count ?? 0), 0), 0);
      const pooled = setHashes >= WORKER_THRESHOLD && options.jobs > 1;
      if (pooled) matcher.useWorkers(options.jobs);
      const results = (async function* () {
        for await (const batch of inBatches(records, pooled ? MATCH_BATCH : 1)) yield* await matcher.matchBatch(batch);
      })();
      try {
        await writeBatch(results, {
          format,
          columns: matchColumns,
          output: options.output,
          label: 'matching',
          total,
          failure: (result) => (isMatchError(result) ? { name: result.path, error: result.error } : undefined),
          failedSummary: 'inputs could not be matched',
          keep(result) {
            counts.inputs++;
            if (isMatchError(result)) return true;
            const matched = result.matches.length > 0;
            if (matched) counts.matched++;
            else counts.unmatched++;
            return matched ? !options.onlyUnmatched : !options.onlyMatched;
          },
        });
      } finally {
        await matcher.close();
      }
      const errors = counts.inputs - counts.matched - counts.unmatched;
      summary(`${counts.inputs} inputs, ${counts.matched} matched, ${counts.unmatched} unmatched, ${errors} errors`);
      // A match is what a gate is for: it decides the exit code even when other inputs failed.
      if (options.failOnMatch && counts.matched > 0) process.exitCode = ExitCode.findings;
    });
}
