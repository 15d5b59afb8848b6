import { isoNow } from '../core/clock.js';
import { availableParallelism } from 'node:os';
import { untilAborted } from '../core/abort.js';
import { mapOrdered } from '../core/concurrency.js';
import type { WalkEntry } from '../core/files.js';
import type { MediaHasher } from '../core/media-hasher.js';
import { TOOL } from '../core/producer.js';
import type { HashRecord } from '../core/records.js';
import type { SignalName } from '../core/signals/index.js';
import { describeError } from '../core/errors.js';
import { clampWorkers, compiledModuleUrl, WorkerPool } from '../core/worker-pool.js';
import { hashBytes, hashFile, type HashOptions } from './hash-file.js';

/** How a Hasher decodes and how many files it hashes at once; the algorithms are chosen per call. */
export interface HasherOptions extends Omit<HashOptions, 'algorithms'> {
  /** Files hashed at once, each in its own worker thread; 1 hashes in this thread. Default: the number of CPUs. */
  jobs?: number;
}

/** One task for a hashing worker (src/hashing/hash-worker.ts). */
export interface HashTask {
  path: string;
  /** Bytes to hash instead of reading `path` (which then only labels the record). */
  bytes?: Uint8Array;
  options: HashOptions;
  /** Shared flag set to 1 when the caller aborted: the worker then aborts the task (ffmpeg is killed). */
  abort?: Int32Array;
}

/**
 * A long-lived hasher: its worker threads start at the first file and are kept across calls until `close()`, so
 * triage and matching can hash report after report without paying for thread start-up each time.
 */
export class Hasher implements MediaHasher {
  private readonly jobs: number;
  private pool: WorkerPool<HashTask, HashRecord> | undefined;
  private closed = false;

  constructor(private readonly options: HasherOptions = {}) {
    this.jobs = clampWorkers(options.jobs ?? availableParallelism()).size;
  }

  /** One record per path, in input order; see MediaHasher. Paths are files (directories: see `hashEntries`). */
  hashFiles(
    paths: AsyncIterable<string> | Iterable<string>,
    options: { algorithms: SignalName[]; signal?: AbortSignal },
  ): AsyncIterable<HashRecord> {
    return this.hashEntries(asEntries(paths), options);
  }

  /**
   * One record per walked entry, in input order (a walk error becomes an error record). An aborted `signal` stops
   * new files from starting, aborts those in flight (videos' ffmpeg is killed) and then throws its reason, so that a
   * caller writing a file never mistakes the records so far for the whole batch.
   */
  async *hashEntries(
    entries: AsyncIterable<WalkEntry> | Iterable<WalkEntry>,
    { algorithms, signal }: { algorithms: readonly SignalName[]; signal?: AbortSignal },
  ): AsyncGenerator<HashRecord> {
    const options = this.hashOptions(algorithms);
    const abort = signal && this.jobs > 1 ? sharedAbortFlag(signal) : undefined;
    try {
      yield* mapOrdered(untilAborted(entries, signal), this.jobs * 2, async (entry) => {
        if (entry.error) return { path: entry.path, error: entry.error, ...observed() };
        return this.run({ path: entry.path, options, abort: abort?.flag }, () => hashFile(entry.path, options, signal));
      });
    } finally {
      abort?.dispose();
    }
    signal?.throwIfAborted();
  }

  async hashBytes(bytes: Uint8Array, options: { name: string; algorithms: SignalName[]; signal?: AbortSignal }): Promise<HashRecord> {
    const hashOptions = this.hashOptions(options.algorithms);
    const abort = options.signal && this.jobs > 1 ? sharedAbortFlag(options.signal) : undefined;
    try {
      return await this.run({ path: options.name, bytes, options: hashOptions, abort: abort?.flag }, () =>
        hashBytes(bytes, options.name, hashOptions, options.signal),
      );
    } finally {
      abort?.dispose();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const pool = this.pool;
    this.pool = undefined;
    await pool?.close();
  }

  private hashOptions(algorithms: readonly SignalName[]): HashOptions {
    const { jobs: _jobs, ...decoding } = this.options;
    return { ...decoding, algorithms };
  }

  /** In a worker when there are several jobs, else in this thread. */
  private run(task: HashTask, here: () => Promise<HashRecord>): Promise<HashRecord> {
    if (this.closed) throw new Error('this Hasher is closed');
    if (this.jobs === 1) return here();
    this.pool ??= new WorkerPool<HashTask, HashRecord>(compiledModuleUrl(import.meta.url, './hash-worker.js'), this.jobs);
    // A worker that crashes (worker-crashed) fails only this file's record: the pool replaces it, the batch goes on.
    return this.pool.run(task).catch((error: unknown): HashRecord => ({ path: task.path, error: describeError(error), ...observed() }));
  }
}

const observed = () => ({ observedAt: isoNow(), producer: { tool: TOOL } });

async function* asEntries(paths: AsyncIterable<string> | Iterable<string>): AsyncGenerator<WalkEntry> {
  for await (const path of paths) yield { path };
}

/** A flag worker threads can read while they hash (an AbortSignal does not cross threads). */
function sharedAbortFlag(signal: AbortSignal): { flag: Int32Array; dispose(): void } {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const set = () => Atomics.store(flag, 0, 1);
  if (signal.aborted) set();
  signal.addEventListener('abort', set, { once: true });
  return { flag, dispose: () => signal.removeEventListener('abort', set) };
}
