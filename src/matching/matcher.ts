import { ExitCode, VigieError } from '../core/errors.js';
import type { HashSetVideo, LoadedHashSet } from '../core/hashset.js';
import { hexToBytes } from '../core/hex.js';
import { toolProducer } from '../core/producer.js';
import type { MatchErrorRecord, MatchOutput } from '../core/match.js';
import { DIHEDRAL_VARIANTS, isHashError, type DihedralVariant, type HashRecord } from '../core/records.js';
import { PDQ_MIN_QUALITY, signalType, type SignalName } from '../core/signals/index.js';
import { describeMatches, type FoundMatch } from './describe.js';
import type { HashIndex, IndexHit } from './hash-index.js';
import { openIndexes, type SetIndexes } from './index-file.js';
import { checkInput, type CheckedInput } from './input-check.js';
import { QueryPool } from './query-pool.js';
import { compareVideos, DEFAULT_VIDEO_MATCH_THRESHOLDS } from './video.js';

export interface MatchOptions {
  /** Thresholds in bits that override every set's own and the signal defaults (CLI flags). */
  thresholds?: Partial<Record<SignalName, number>>;
  /** PDQ hashes (and video frames) of lower quality are not matched on. Default 50. */
  minPdqQuality?: number;
  /** Also match the 8 PDQ rotations/flips, when the input carries them (`pdq_dihedral`). */
  dihedral?: boolean;
  /** A video matches a set's video when at least these shares of frames match, both ways (percent). */
  videoPercents?: { query: number; target: number };
  /** Index building and rebuilding, one line each. */
  report?: (message: string) => void;
  /** Build indexes in memory only; never read or write index files. */
  noIndexCache?: boolean;
  /** The time records are stamped with (default: the system clock); tests fix it. */
  now?: () => Date;
}

interface PlannedQuery {
  order: number;
  signal: SignalName;
  variant: DihedralVariant | null;
  hash: Uint8Array;
  threshold: number;
}

interface Plan {
  input: CheckedInput;
  queries: PlannedQuery[];
}

const indexKey = (order: number, signal: SignalName) => `${order}:${signal}`;

interface OpenSet {
  set: LoadedHashSet;
  indexes: SetIndexes;
  videos?: Map<string, HashSetVideo>;
}

/**
 * Matches hash records against hash sets: cryptographic hashes by equality, perceptual ones within their threshold
 * (flag, else the set's, else the signal's default), videos by the vPDQ frame-share rule. Indexes come from the
 * sets' index files, built or rebuilt as needed when the matcher opens.
 */
export class Matcher {
  private pool: QueryPool | undefined;

  private constructor(
    private readonly sets: OpenSet[],
    private readonly options: MatchOptions,
  ) {}

  static async open(sets: LoadedHashSet[], options: MatchOptions = {}): Promise<Matcher> {
    const open: OpenSet[] = [];
    for (const set of sets) {
      if (!Object.values(set.arrays).some((array) => array && array.count > 0)) {
        throw new VigieError('empty-set', `set "${set.name}" (${set.path}) holds no hashes: nothing to match against`);
      }
      const indexes = await openIndexes(set, { report: options.report, noCache: options.noIndexCache });
      open.push({ set, indexes, videos: set.videos && new Map(set.videos.map((video) => [video.id, video])) });
    }
    return new Matcher(open, options);
  }

  /** Every signal some set holds hashes of. */
  get signals(): SignalName[] {
    return [...new Set(this.sets.flatMap(({ indexes }) => [...indexes.keys()]))];
  }

  /** Matches one record, on this thread. */
  match(record: HashRecord): MatchOutput {
    const plan = this.plan(record);
    if ('error' in plan) return plan;
    return this.finish(plan, plan.queries.map((query) => this.indexOf(query).query(query.hash, query.threshold)));
  }

  /**
   * Matches a batch of records, the index queries spread over worker threads (`useWorkers`); without workers, the
   * same as `match` on each. Results in input order.
   */
  async matchBatch(records: HashRecord[]): Promise<MatchOutput[]> {
    if (!this.pool) return records.map((record) => this.match(record));
    const plans = records.map((record) => this.plan(record));
    const queries = plans.flatMap((plan) => ('error' in plan ? [] : plan.queries));
    const hits = await this.pool.query(queries.map((query) => ({ ...query, key: indexKey(query.order, query.signal) })));
    let next = 0;
    return plans.map((plan) => {
      if ('error' in plan) return plan;
      const own = hits.slice(next, next + plan.queries.length);
      next += plan.queries.length;
      return this.finish(plan, own);
    });
  }

  /**
   * Worker threads for `matchBatch`. Worth it for large sets (the indexes and hashes are shared, not copied, except
   * hash arrays not already in shared memory); a no-op for `size` <= 1.
   */
  useWorkers(size: number): void {
    if (size <= 1 || this.pool) return;
    const indexes = new Map<string, HashIndex>();
    for (const [order, open] of this.sets.entries()) {
      for (const [signal, index] of open.indexes) indexes.set(indexKey(order, signal), index);
    }
    this.pool = new QueryPool(indexes, size);
  }

  async close(): Promise<void> {
    await this.pool?.close();
    this.pool = undefined;
  }

  /** The checked input and every index query it needs; or the error record when it cannot be matched. */
  private plan(record: HashRecord): Plan | MatchErrorRecord {
    if (isHashError(record)) return { path: record.path, error: record.error, ...this.stamp() };
    let input: CheckedInput;
    try {
      input = checkInput(record, this.signals);
    } catch (error) {
      if (!(error instanceof VigieError)) throw error;
      return { path: record.path, error: { code: error.code, message: error.message }, ...this.stamp() };
    }
    const lowQuality = input.pdqQuality !== undefined && input.pdqQuality < this.minQuality;
    if (lowQuality && input.hashes.pdq) {
      input.warnings.push(`PDQ quality ${input.pdqQuality} is under ${this.minQuality}: not matched on PDQ`);
    }
    if (this.options.dihedral && input.hashes.pdq && !input.dihedral) {
      input.warnings.push('no dihedral PDQ hashes in the input: only the original orientation was matched');
    }
    const queries: PlannedQuery[] = [];
    for (const [order, open] of this.sets.entries()) {
      for (const [signal, hex] of Object.entries(input.hashes) as [SignalName, string][]) {
        if (!open.indexes.has(signal) || (signal === 'pdq' && lowQuality)) continue;
        const threshold = this.threshold(open.set, signal);
        const variants: [DihedralVariant | null, string][] =
          signal !== 'pdq'
            ? [[null, hex]]
            : this.options.dihedral && input.dihedral
              ? input.dihedral.map((variant, i) => [DIHEDRAL_VARIANTS[i], variant])
              : [['orig', hex]];
        for (const [variant, variantHex] of variants) {
          queries.push({ order, signal, variant, hash: hexToBytes(variantHex), threshold });
        }
      }
    }
    return { input, queries };
  }

  /** The output record of a plan, from the hits of its queries (in plan order) and its videos' matches. */
  private finish({ input, queries }: Plan, hits: IndexHit[][]): MatchOutput {
    const found: FoundMatch[] = queries.flatMap(({ order, signal, variant }, i) =>
      hits[i].map((hit) => ({ order, set: this.sets[order].set, signal, index: hit.index, distance: hit.distance, variant })),
    );
    if (input.frames) {
      for (const [order, open] of this.sets.entries()) found.push(...this.matchVideo(order, open, input.frames));
    }
    return {
      ...input.output,
      ...describeMatches(found),
      ...(input.warnings.length > 0 && { warnings: input.warnings }),
      ...this.stamp(),
    };
  }

  /** When and by what a record was made. */
  private stamp(): { observedAt: string; producer: string } {
    return { observedAt: (this.options.now?.() ?? new Date()).toISOString(), producer: toolProducer() };
  }

  private indexOf(query: PlannedQuery): HashIndex {
    return this.sets[query.order].indexes.get(query.signal) as HashIndex;
  }

  /**
   * Candidate videos are those with a frame near one of the input's (through the vPDQ index); each is then compared
   * whole, both ways, with compareVideos' rule.
   */
  private matchVideo(
    order: number,
    open: OpenSet,
    frames: { pdq: string; quality: number }[],
  ): FoundMatch[] {
    const minQuality = this.minQuality;
    const index = open.indexes.get('vpdq');
    if (!index || !open.videos) return [];
    const threshold = this.threshold(open.set, 'vpdq');
    const nearest = new Map<string, { index: number; distance: number }>();
    for (const frame of frames) {
      if (frame.quality < minQuality) continue;
      for (const hit of index.query(hexToBytes(frame.pdq), threshold)) {
        const id = open.set.entry('vpdq', hit.index).video?.id ?? '';
        const best = nearest.get(id);
        if (!best || hit.distance < best.distance) nearest.set(id, hit);
      }
    }
    const percents = this.options.videoPercents ?? {
      query: DEFAULT_VIDEO_MATCH_THRESHOLDS.queryPercent,
      target: DEFAULT_VIDEO_MATCH_THRESHOLDS.targetPercent,
    };
    const found: FoundMatch[] = [];
    for (const [id, hit] of nearest) {
      const video = open.videos.get(id);
      if (!video) continue;
      const comparison = compareVideos(frames, video.frames, { minQuality, distance: threshold });
      if (comparison.queryMatchPercent < percents.query || comparison.targetMatchPercent < percents.target) continue;
      found.push({
        order,
        set: open.set,
        signal: 'vpdq',
        index: hit.index,
        distance: hit.distance,
        variant: null,
        video: { id, queryPercent: comparison.queryMatchPercent, targetPercent: comparison.targetMatchPercent },
      });
    }
    return found;
  }

  private get minQuality(): number {
    return this.options.minPdqQuality ?? PDQ_MIN_QUALITY;
  }

  private threshold(set: LoadedHashSet, signal: SignalName): number {
    return this.options.thresholds?.[signal] ?? set.thresholds[signal] ?? signalType(signal).defaultThreshold;
  }
}

/** Exit-code-3 error for a matcher that cannot compare anything with what the inputs will carry. */
export function notComparable(setSignals: SignalName[], inputSignals: SignalName[]): VigieError {
  return new VigieError(
    'not-comparable',
    `the sets hold ${setSignals.join(', ')} hashes, the inputs would carry only ${inputSignals.join(', ') || 'none'}: nothing can be compared`,
    ExitCode.input,
  );
}
