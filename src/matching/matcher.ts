import { ExitCode, VigieError } from '../core/errors.js';
import type { HashSetVideo, LoadedHashSet } from '../core/hashset.js';
import { hexToBytes } from '../core/hex.js';
import type { MatchOutput } from '../core/match.js';
import { DIHEDRAL_VARIANTS, isHashError, type DihedralVariant, type HashRecord } from '../core/records.js';
import { PDQ_MIN_QUALITY, signalType, type SignalName } from '../core/signals/index.js';
import { describeMatches, type FoundMatch } from './describe.js';
import { openIndexes, type SetIndexes } from './index-file.js';
import { checkInput, type CheckedInput } from './input-check.js';
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
}

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

  match(record: HashRecord): MatchOutput {
    if (isHashError(record)) return { path: record.path, error: record.error };
    let input: CheckedInput;
    try {
      input = checkInput(record, this.signals);
    } catch (error) {
      if (!(error instanceof VigieError)) throw error;
      return { path: record.path, error: { code: error.code, message: error.message } };
    }
    const found: FoundMatch[] = [];
    const minQuality = this.options.minPdqQuality ?? PDQ_MIN_QUALITY;
    const lowQuality = input.pdqQuality !== undefined && input.pdqQuality < minQuality;
    if (lowQuality && input.hashes.pdq) {
      input.warnings.push(`PDQ quality ${input.pdqQuality} is under ${minQuality}: not matched on PDQ`);
    }
    if (this.options.dihedral && input.hashes.pdq && !input.dihedral) {
      input.warnings.push('no dihedral PDQ hashes in the input: only the original orientation was matched');
    }
    for (const [order, open] of this.sets.entries()) {
      for (const [signal, hex] of Object.entries(input.hashes) as [SignalName, string][]) {
        const index = open.indexes.get(signal);
        if (!index || (signal === 'pdq' && lowQuality)) continue;
        const threshold = this.threshold(open.set, signal);
        const variants: [DihedralVariant | null, string][] =
          signal !== 'pdq'
            ? [[null, hex]]
            : this.options.dihedral && input.dihedral
              ? input.dihedral.map((variant, i) => [DIHEDRAL_VARIANTS[i], variant])
              : [['orig', hex]];
        for (const [variant, variantHex] of variants) {
          for (const hit of index.query(hexToBytes(variantHex), threshold)) {
            found.push({ order, set: open.set, signal, index: hit.index, distance: hit.distance, variant });
          }
        }
      }
      if (input.frames) found.push(...this.matchVideo(order, open, input.frames, minQuality));
    }
    return { ...input.output, ...describeMatches(found), ...(input.warnings.length > 0 && { warnings: input.warnings }) };
  }

  /**
   * Candidate videos are those with a frame near one of the input's (through the vPDQ index); each is then compared
   * whole, both ways, with compareVideos' rule.
   */
  private matchVideo(
    order: number,
    open: OpenSet,
    frames: { pdq: string; quality: number }[],
    minQuality: number,
  ): FoundMatch[] {
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
