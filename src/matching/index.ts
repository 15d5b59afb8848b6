/** src/matching's public entry: what the CLI, triage and library users may call. */
export {
  compareVideos,
  DEFAULT_VIDEO_MATCH_THRESHOLDS,
  type CompareVideosOptions,
  type VideoComparison,
  type VideoMatchVariant,
} from './video.js';
export { Matcher, notComparable, type MatchOptions } from './matcher.js';
export { readHashRecords } from './hash-records.js';
export {
  MediaMatcher,
  HASHABLE_SIGNALS,
  MATCH_BATCH,
  WORKER_THRESHOLD,
  type MediaMatcherOptions,
} from './media-matcher.js';
export { openIndexes, indexPathFor, indexCacheDir, INDEX_FORMAT_VERSION, type SetIndexes, type OpenIndexesOptions } from './index-file.js';
export { buildIndex, deserializeIndex } from './build-index.js';
export type { HashIndex, IndexHit, IndexKind } from './hash-index.js';
export { ExactIndex } from './exact-index.js';
export { LinearIndex } from './linear-index.js';
export { MihIndex } from './mih-index.js';
export { chooseLayout, type MihLayout } from './mih-layout.js';
