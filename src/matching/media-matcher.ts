import { inBatches } from '../core/concurrency.js';
import type { LoadedHashSet } from '../core/hashset.js';
import type { MatchOutput } from '../core/match.js';
import type { MediaHasher } from '../core/media-hasher.js';
import type { HashRecord } from '../core/records.js';
import type { SignalName } from '../core/signals/index.js';
import { readHashRecords } from './hash-records.js';
import { Matcher, notComparable, type MatchOptions } from './matcher.js';

/** Sets of at least this many hashes are queried from worker threads (`jobs` of them). */
export const WORKER_THRESHOLD = 1_000_000;
/** Records matched together with workers: enough to keep every worker busy, few enough to keep output flowing. */
export const MATCH_BATCH = 256;
/** Signals a MediaHasher computes from a file (vPDQ comes with videos whatever is asked). */
export const HASHABLE_SIGNALS: readonly SignalName[] = ['md5', 'sha1', 'sha256', 'pdq', 'blockhash', 'blockhash-quick'];

export interface MediaMatcherOptions extends MatchOptions {
  /** Hashes media for `matchFiles`; the caller owns it (and closes it). Not needed to match records. */
  hasher?: MediaHasher;
  /** Hashes to compute from media (default: those the sets hold, plus SHA-256 for the report). */
  algorithms?: SignalName[];
  /** Worker threads for index queries, used when the sets are large enough to pay for them. Default 1. */
  jobs?: number;
  /** Stops starting new inputs; those in flight finish. */
  signal?: AbortSignal;
}

/**
 * Everything `vigie match` needs, as one library object: which hashes media must give for these sets, whether the
 * index queries go to worker threads, how records are batched, and the input sources (media files through the
 * injected hasher, `vigie hash` records, any records). One output per input, in input order.
 */
export class MediaMatcher {
  private constructor(
    private readonly matcher: Matcher,
    private readonly options: MediaMatcherOptions,
    private readonly batch: number,
  ) {}

  static async open(sets: LoadedHashSet[], options: MediaMatcherOptions = {}): Promise<MediaMatcher> {
    const matcher = await Matcher.open(sets, options);
    // Worker threads pay for themselves on large sets only (start-up, and hash arrays copied to shared memory).
    const setHashes = sets.reduce((total, set) => total + Object.values(set.arrays).reduce((n, a) => n + (a?.count ?? 0), 0), 0);
    const pooled = setHashes >= WORKER_THRESHOLD && (options.jobs ?? 1) > 1;
    if (pooled) matcher.useWorkers(options.jobs as number);
    return new MediaMatcher(matcher, options, pooled ? MATCH_BATCH : 1);
  }

  /** Every signal some set holds hashes of. */
  get signals(): SignalName[] {
    return this.matcher.signals;
  }

  /**
   * What to hash media for: the signals the sets hold (others could not match) plus SHA-256 for the report, or the
   * requested ones; an error (exit 3) when nothing media would carry can be compared.
   */
  get algorithms(): SignalName[] {
    const setSignals = this.signals;
    const hashable = setSignals.filter((signal) => HASHABLE_SIGNALS.includes(signal));
    const algorithms = this.options.algorithms ?? [...new Set<SignalName>(['sha256', ...hashable])];
    const carried: SignalName[] = [...algorithms, 'vpdq'];
    if (!setSignals.some((signal) => carried.includes(signal))) throw notComparable(setSignals, algorithms);
    return algorithms;
  }

  /** Matches hash records (from `vigie hash`, a list, or a caller): error records pass through as errors. */
  async *matchRecords(records: AsyncIterable<HashRecord> | Iterable<HashRecord>): AsyncGenerator<MatchOutput> {
    for await (const batch of inBatches(records, this.batch)) {
      if (this.options.signal?.aborted) return;
      yield* await this.matcher.matchBatch(batch);
    }
  }

  /** Hashes media files with the injected hasher and matches them. */
  matchFiles(paths: AsyncIterable<string> | Iterable<string>): AsyncGenerator<MatchOutput> {
    const { hasher } = this.options;
    if (!hasher) throw new TypeError('MediaMatcher.matchFiles needs a hasher (MediaMatcherOptions.hasher)');
    return this.matchRecords(hasher.hashFiles(paths, { algorithms: this.algorithms, signal: this.options.signal }));
  }

  /** Matches the records of a `vigie hash` JSON Lines file (`-`: stdin). */
  matchHashFile(path: string): AsyncGenerator<MatchOutput> {
    return this.matchRecords(readHashRecords(path));
  }

  async close(): Promise<void> {
    await this.matcher.close();
  }
}
