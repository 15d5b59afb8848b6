import type { Command } from 'commander';
import { ExitCode, VigieError } from '../../core/errors.js';
import { walkFiles, type WalkEntry } from '../../core/files.js';
import { isMatchError, type MatchOutput } from '../../core/match.js';
import { Hasher } from '../../hashing/index.js';
import { detectFormat, FORMAT_NAMES, isNativeStore, loadHashSet, readListAsHashRecords, type FormatName } from '../../hashsets/index.js';
import { MediaMatcher } from '../../matching/index.js';
import { collectInputs, parseInteger, parseSignal, parseThresholds } from '../inputs.js';
import { writeBatch } from '../batch.js';
import { runSignal } from '../interrupt.js';
import { resolveFormat, summary, type Column } from '../output.js';
import { addMediaCommandOptions, batchOptionsFrom, parseAlgorithms } from '../media-options.js';
import { MATCH_MIN_PDQ_QUALITY } from '../../matching/settings.js';

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
            ...(r.categoryConflict ? [`category conflict: ${r.categoryConflict.map((c) => `${c.set} ${c.scheme} ${c.value}`).join(' / ')}`] : []),
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

/**
 * `--against a.vhs photo.png`: commander gives every word after a variadic option to the option. A word that is
 * not a hash set (no `.vhs` name, no store magic) is an input, whatever the order on the command line.
 */
async function splitAgainst(values: string[]): Promise<{ sets: string[]; inputs: string[] }> {
  const sets: string[] = [];
  const inputs: string[] = [];
  for (const value of values) {
    const isSet = value.endsWith('.vhs') || (await isNativeStore(value).catch(() => false));
    (isSet ? sets : inputs).push(value);
  }
  if (sets.length === 0) throw new VigieError('usage', `--against names no hash set (${values.join(' ')}): give a native store (.vhs)`, ExitCode.usage);
  return { sets, inputs };
}

export function registerMatch(program: Command): void {
  const command = program
    .command('match')
    .description(
      'Match files and directories (hashed on the fly) or the records of "vigie hash" (--hashes) against native ' +
        'hash sets: cryptographic hashes by equality, PDQ and blockhash by Hamming distance (thresholds per signal, ' +
        'per set, or by flag), videos by the vPDQ share of matching frames. One record per input, best match first.',
    )
    .argument('[inputs...]', 'files or directories; "-" reads a list of paths from stdin')
    .requiredOption('--against <sets...>', 'native hash set stores (made by "vigie hashset import")')
    .option('--hashes <file>', 'match the records of a "vigie hash" JSON Lines file ("-": stdin), or any hash list, instead of media')
    .option('--hashes-format <name>', `format of the --hashes list (default: detected): ${FORMAT_NAMES.join(', ')}`, parseListFormat)
    .option('--type <signal>', 'signal of a plain --hashes list (64 hex digits are pdq or sha256: required there)', parseSignal)
    .option('--from <file>', 'read a list of paths, one per line')
    .option('-t, --threshold <list>', 'thresholds in bits overriding the sets\' own, e.g. pdq=20,blockhash=8', parseThresholds)
    .option('--min-quality <n>', 'PDQ quality under which a hash is not matched on (0–100)', parseInteger('--min-quality', 0, 100), MATCH_MIN_PDQ_QUALITY.default)
    .option('--dihedral', 'also match the 8 PDQ rotations/flips and report which matched')
    .option('--video-percent <q[,t]>', 'video match: share of input frames [and of set frames] matching (default 80,0)', parsePercents)
    .option('--only-matched', 'output only inputs that matched')
    .option('--only-unmatched', 'output only inputs that did not match (errors are always output)')
    .option('--fail-on-match', 'exit 1 when any input matched')
    .option('-a, --algorithms <list>', `hashes to compute (default: those the sets hold, plus sha256)`, parseAlgorithms)
    .option('--no-index-cache', 'build indexes in memory, do not read or write the index cache')
    .option('--no-verify', "use the sets without checking their digest (only when they were verified separately)");
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
Indexes are cached in $XDG_CACHE_HOME/vigie/indexes (default ~/.cache/vigie/indexes), named by the set's digest,
never beside the set; rebuilt when the set changes or the file is damaged. Each set's digest is checked when it
loads: a damaged set is refused (exit 3).

Exit codes: 0 done, 1 something matched and --fail-on-match was given, 2 usage error, 3 an input could not be
matched (bad hash, unreadable file, no hash of a type the sets hold; its record has "error"), or a set is empty.`,
    )
    .action(async (positional: string[], options) => {
      if (options.onlyMatched && options.onlyUnmatched) {
        throw new VigieError('usage', '--only-matched and --only-unmatched exclude each other', ExitCode.usage);
      }
      const against = await splitAgainst(options.against as string[]);
      const paths = [...against.inputs, ...positional];
      if (options.hashes !== undefined && paths.length > 0) {
        throw new VigieError('usage', 'give either media inputs or --hashes, not both', ExitCode.usage);
      }
      const format = resolveFormat(options.format, options.output !== undefined);
      const sets = await Promise.all(against.sets.map((path) => loadHashSet(path, { verify: options.verify })));
      const matcher = await MediaMatcher.open(sets, {
        thresholds: options.threshold,
        minPdqQuality: options.minQuality,
        dihedral: options.dihedral,
        videoPercents: options.videoPercent,
        noIndexCache: !options.indexCache,
        report: (message) => process.stderr.write(`vigie: ${message}\n`),
        algorithms: options.algorithms,
        jobs: options.jobs,
        signal: runSignal,
      });
      // Its worker threads start at the first file; closed below, also when the run is interrupted or fails.
      const hasher = new Hasher(batchOptionsFrom(options));
      const counts = { inputs: 0, matched: 0, unmatched: 0 };
      try {
        let results: AsyncIterable<MatchOutput>;
        let total = 0;
        if (options.hashes !== undefined) {
          const listFormat = options.hashesFormat ?? (options.hashes === '-' ? 'jsonl' : await detectFormat(options.hashes));
          // vigie hash's own records keep what a list cannot carry (dihedral variants, quality, video frames).
          results =
            listFormat === 'jsonl'
              ? matcher.matchHashFile(options.hashes)
              : matcher.matchRecords(readListAsHashRecords(options.hashes, { format: listFormat, type: options.type }));
        } else {
          const inputs = await collectInputs(paths, options.from);
          // First, so that sets nothing could be compared with are an error before any file is walked.
          const algorithms = matcher.algorithms;
          const entries: WalkEntry[] = [];
          for await (const entry of walkFiles(inputs)) entries.push(entry);
          if (entries.length === 0) throw new VigieError('not-found', `no file found in ${inputs.join(', ')}: nothing to match`, ExitCode.input);
          total = entries.length;
          // Walked entries, not paths: a directory loop or a FIFO is an error record, never opened.
          results = matcher.matchRecords(hasher.hashEntries(entries, { algorithms, signal: runSignal }));
        }
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
        await Promise.all([matcher.close(), hasher.close()]);
      }
      if (counts.inputs === 0) {
        throw new VigieError('not-found', `${options.hashes === '-' ? 'stdin' : options.hashes} holds no hash: nothing to match`, ExitCode.input);
      }
      const errors = counts.inputs - counts.matched - counts.unmatched;
      summary(`${counts.inputs} inputs, ${counts.matched} matched, ${counts.unmatched} unmatched, ${errors} errors`);
      // A match is what a gate is for: it decides the exit code even when other inputs failed.
      if (options.failOnMatch && counts.matched > 0) process.exitCode = ExitCode.findings;
    });
}
