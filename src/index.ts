/** Vigie's library API: everything the CLI does, usable without it. */
export * from './core/errors.js';
export * from './core/records.js';
export * from './core/signals/index.js';
export { hammingDistanceHex } from './core/hex.js';
export { hashFile, DEFAULT_ALGORITHMS, type HashOptions } from './hashing/hash-file.js';
export { hashBatch, type BatchOptions } from './hashing/batch.js';
export { walkFiles, type WalkEntry } from './core/files.js';
export { pdqFromLuma, lumaFromPixels, type PdqResult } from './hashing/pdq.js';
export type {
  Category,
  HashSetEntry,
  HashSetVideo,
  LoadedHashSet,
  Provenance,
  SignalArray,
  VideoFrameRef,
} from './core/hashset.js';
export * from './hashsets/index.js';
export { hashVideo, type VideoHashOptions, type VideoHashes } from './hashing/video/hash-video.js';
export { parseFrameMode, parseFrameSize, type FrameMode, type FrameSize } from './hashing/video/frames.js';
export { formatVpdq, parseVpdq, type ParseVpdqOptions } from './hashing/video/vpdq-format.js';
export {
  compareVideos,
  DEFAULT_VIDEO_MATCH_THRESHOLDS,
  type CompareVideosOptions,
  type VideoComparison,
  type VideoMatchVariant,
} from './matching/video.js';
export * from './core/match.js';
export { Matcher, type MatchOptions } from './matching/matcher.js';
export { readHashRecords } from './matching/hash-records.js';
export { openIndexes, indexPathFor, INDEX_FORMAT_VERSION, type SetIndexes, type OpenIndexesOptions } from './matching/index-file.js';
export { buildIndex, deserializeIndex } from './matching/build-index.js';
export type { HashIndex, IndexHit, IndexKind } from './matching/hash-index.js';
export { ExactIndex } from './matching/exact-index.js';
export { LinearIndex } from './matching/linear-index.js';
export { MihIndex } from './matching/mih-index.js';
export { chooseLayout, type MihLayout } from './matching/mih-layout.js';
