import type { HashRecord } from './records.js';
import type { SignalName } from './signals/index.js';

/**
 * Hashes media for a domain that needs hashes but must not depend on `src/hashing` (matching, triage): the caller
 * injects one, usually a long-lived `Hasher` from `src/hashing`, which keeps its worker threads across calls.
 */
export interface MediaHasher {
  /**
   * One record per input, in input order; a file that cannot be hashed gives a `HashErrorRecord` and the stream goes
   * on. `algorithms` are the signals to compute; an aborted `signal` stops starting new files.
   */
  hashFiles(
    paths: AsyncIterable<string> | Iterable<string>,
    options: { algorithms: SignalName[]; signal?: AbortSignal },
  ): AsyncIterable<HashRecord>;
  /** Hashes bytes already in memory (a partner's upload, a body fetched for triage); `name` labels the record. */
  hashBytes(bytes: Uint8Array, options: { name: string; algorithms: SignalName[]; signal?: AbortSignal }): Promise<HashRecord>;
  /** Stops the worker threads; the hasher cannot be used afterwards. */
  close(): Promise<void>;
}
