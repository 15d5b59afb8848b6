import type { SignalArray } from '../core/hashset.js';
import { compiledModuleUrl, WorkerPool } from '../core/worker-pool.js';
import type { HashIndex, IndexHit, IndexKind } from './hash-index.js';

/** An index as a worker rebuilds it: its kind, its array and its structures, all in shared memory. */
export interface SharedIndex {
  key: string;
  kind: IndexKind;
  array: SignalArray;
  data: Uint8Array;
}

/** One query of a batch: which index, which hash, which threshold. */
export interface PoolQuery {
  key: string;
  hash: Uint8Array;
  threshold: number;
}

/** Bytes in shared memory: as they are when already shared, else copied once. */
function shared(bytes: Uint8Array): Uint8Array {
  if (bytes.buffer instanceof SharedArrayBuffer) return bytes;
  const copy = new Uint8Array(new SharedArrayBuffer(bytes.byteLength));
  copy.set(bytes);
  return copy;
}

/**
 * Worker threads that answer batches of queries on the same indexes as the main thread, in place: index structures
 * are built and loaded in shared memory, and the set's hash arrays are copied there once (320 MB for 10M PDQ).
 * Measured at 10M PDQ hashes on 2 cores: 2 workers answer 1.6x as many queries per second as one thread.
 */
export class QueryPool {
  private readonly pool: WorkerPool<PoolQuery[], IndexHit[][]>;

  constructor(
    indexes: Map<string, HashIndex>,
    private readonly size: number,
  ) {
    const descriptors: SharedIndex[] = [...indexes].map(([key, index]) => ({
      key,
      kind: index.kind,
      array: { ...index.array, hashes: shared(index.array.hashes.subarray(0, index.array.count * index.array.width)) },
      data: shared(index.serialize()),
    }));
    this.pool = new WorkerPool(compiledModuleUrl(import.meta.url, './query-worker.js'), size, descriptors);
  }

  /** The hits of every query, in order; the batch is split evenly over the workers. */
  async query(queries: PoolQuery[]): Promise<IndexHit[][]> {
    const share = Math.ceil(queries.length / this.size);
    const parts: Promise<IndexHit[][]>[] = [];
    for (let start = 0; start < queries.length; start += share) parts.push(this.pool.run(queries.slice(start, start + share)));
    return (await Promise.all(parts)).flat();
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
