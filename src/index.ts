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
