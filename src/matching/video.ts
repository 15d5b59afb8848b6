/**
 * Whole-video matching on vPDQ frame hashes: each video is a bag of frame hashes (order and timestamps play no part).
 *
 * Two published variants differ in small ways (both in README, "Video matching"):
 * - `ptx` (default), python-threatexchange's vpdq_brute_matcher: identical hashes are deduplicated first (the first
 *   is kept), then frames of quality < 50 are dropped, and a frame matches at distance <= 31.
 * - `cpp`, Meta's C++ matchTwoHash (match-hashes-brute): frames of quality < 50 are dropped, duplicates are kept,
 *   and a frame matches at distance < 31 (strict).
 * Percentages are matched frames / kept frames × 100 in each direction; 0 for both when either side has no frames.
 */
import { hammingDistanceBytes, hexToBytes } from '../core/hex.js';
import type { VideoFrameHash } from '../core/records.js';
import { PDQ_MIN_QUALITY, signalType } from '../core/signals/index.js';

export type VideoMatchVariant = 'ptx' | 'cpp';

export interface CompareVideosOptions {
  variant?: VideoMatchVariant;
  /** Frames below this PDQ quality are ignored. Default 50. */
  minQuality?: number;
  /** Distance bound in bits: inclusive for `ptx`, exclusive for `cpp`. Default 31. */
  distance?: number;
}

export interface VideoComparison {
  /** Share of the query's kept frames that have a match in the target, 0–100. */
  queryMatchPercent: number;
  /** Share of the target's kept frames that have a match in the query, 0–100. */
  targetMatchPercent: number;
  /** Frames of each side that took part (after dedupe and the quality filter). */
  queryFramesUsed: number;
  targetFramesUsed: number;
}

/** python-threatexchange's decision rule (VPDQSignal): query >= 80 %, target >= 0 %. */
export const DEFAULT_VIDEO_MATCH_THRESHOLDS = { queryPercent: 80, targetPercent: 0 } as const;

type FrameHashInput = Pick<VideoFrameHash, 'pdq' | 'quality'>;

function keptFrames(frames: readonly FrameHashInput[], variant: VideoMatchVariant, minQuality: number): Uint8Array[] {
  let candidates = frames;
  if (variant === 'ptx') {
    const seen = new Set<string>();
    candidates = frames.filter((frame) => !seen.has(frame.pdq) && seen.add(frame.pdq));
  }
  return candidates.filter((frame) => frame.quality >= minQuality).map((frame) => hexToBytes(frame.pdq));
}

function matchedCount(from: Uint8Array[], to: Uint8Array[], matches: (distance: number) => boolean): number {
  let matched = 0;
  for (const hash of from) {
    if (to.some((other) => matches(hammingDistanceBytes(hash, other)))) matched++;
  }
  return matched;
}

export function compareVideos(
  query: readonly FrameHashInput[],
  target: readonly FrameHashInput[],
  options: CompareVideosOptions = {},
): VideoComparison {
  const variant = options.variant ?? 'ptx';
  const minQuality = options.minQuality ?? PDQ_MIN_QUALITY;
  const bound = options.distance ?? signalType('pdq').defaultThreshold;
  const matches = variant === 'ptx' ? (d: number) => d <= bound : (d: number) => d < bound;
  const queryKept = keptFrames(query, variant, minQuality);
  const targetKept = keptFrames(target, variant, minQuality);
  const used = { queryFramesUsed: queryKept.length, targetFramesUsed: targetKept.length };
  if (queryKept.length === 0 || targetKept.length === 0) {
    return { queryMatchPercent: 0, targetMatchPercent: 0, ...used };
  }
  return {
    queryMatchPercent: (100 * matchedCount(queryKept, targetKept, matches)) / queryKept.length,
    targetMatchPercent: (100 * matchedCount(targetKept, queryKept, matches)) / targetKept.length,
    ...used,
  };
}
