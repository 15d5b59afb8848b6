import { availableParallelism } from 'node:os';
import { mapOrdered } from '../core/concurrency.js';
import { describeError } from '../core/errors.js';
import type { WalkEntry } from '../core/files.js';
import type { HashRecord } from '../core/records.js';
import { compiledModuleUrl, WorkerPool } from '../core/worker-pool.js';
import { hashFile, type HashOptions } from './hash-file.js';

export interface BatchOptions extends HashOptions {
  /** Files hashed at once, each in its own worker thread; 1 hashes in this thread. Default: the number of CPUs. */
  jobs?: number;
}

/**
 * Hashes a stream of walked files, in input order, with bounded parallelism. Walk errors become error records, so the
 * output has exactly one record per input entry.
 */
export async function* hashBatch(
  entries: AsyncIterable<WalkEntry> | Iterable<WalkEntry>,
  options: BatchOptions,
): AsyncGenerator<HashRecord> {
  const jobs = Math.max(1, options.jobs ?? availableParallelism());
  const { jobs: _jobs, ...hashOptions } = options;
  const pool =
    jobs > 1
      ? new WorkerPool<{ path: string; options: HashOptions }, HashRecord>(
          compiledModuleUrl(import.meta.url, './hash-worker.js'),
          jobs,
        )
      : undefined;
  try {
    yield* mapOrdered(entries, jobs * 2, async (entry) => {
      if (entry.error) return { path: entry.path, error: entry.error };
      if (!pool) return hashFile(entry.path, hashOptions);
      // A worker that crashes (worker-crashed) fails only this file's record: the pool replaces it, the batch goes on.
      return pool.run({ path: entry.path, options: hashOptions }).catch((error: unknown): HashRecord => ({ path: entry.path, error: describeError(error) }));
    });
  } finally {
    await pool?.close();
  }
}
