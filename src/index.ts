/** Vigie's library API: everything the CLI does, usable without it. Each domain's public entry, and the core types. */
export * from './core/errors.js';
export * from './core/records.js';
export * from './core/signals/index.js';
export { hammingDistanceHex } from './core/hex.js';
export { walkFiles, type WalkEntry } from './core/files.js';
export * from './core/resolution.js';
export * from './core/hosting.js';
export type {
  Category,
  HashSetEntry,
  HashSetVideo,
  LoadedHashSet,
  Provenance,
  SignalArray,
  VideoFrameRef,
} from './core/hashset.js';
export * from './core/match.js';
export type { MediaHasher } from './core/media-hasher.js';
export * from './hashing/index.js';
export * from './hashsets/index.js';
export * from './matching/index.js';
export * from './net/index.js';
// Core parts for long batches (issues 11 and 12): bounded cancellable maps, interruption, worker pool, atomic and
// safe output, the configuration layer and each domain's settings, the clock, the CSV formula neutraliser.
export { mapOrdered, mapOrderedOutcomes, mapUnordered, KeyedLimiter, inBatches, type Outcome, type MapOptions } from './core/concurrency.js';
export { abortOnInterrupt, installProcessInterrupt, processInterrupted, interruption, interruptedExitCode } from './core/interrupt.js';
export { WorkerPool, MAX_WORKERS, clampWorkers } from './core/worker-pool.js';
export { writeFileAtomic, createAtomicWriteStream, checkOutputTarget, trackTemporary, type AtomicWriteStream } from './core/atomic.js';
export * from './core/config.js';
export * from './hashing/settings.js';
export * from './matching/settings.js';
export * from './net/settings.js';
export { systemClock, manualClock, isoNow, type Clock } from './core/clock.js';
export { neutraliseFormula, restoreFormula } from './core/csv-formula.js';
// Case store (issue 14): the triage pipeline's SQLite/PostgreSQL store; drivers load only when a case is opened.
export * from './triage/index.js';
// Notices (issue 13): the Notice record, case input, routing, assembly, validation, renderers, bundles.
export * from './core/notice.js';
export * from './notices/index.js';
