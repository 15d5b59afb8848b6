/**
 * Worker-thread entry point of QueryPool: the indexes come once as workerData (built or checked by the main thread),
 * then batches of queries.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { deserializeIndex } from './build-index.js';
import type { HashIndex } from './hash-index.js';
import type { PoolQuery, SharedIndex } from './query-pool.js';

const indexes = new Map<string, HashIndex>(
  (workerData as SharedIndex[]).map((shared) => [shared.key, deserializeIndex(shared.kind, shared.array, shared.data, true)]),
);

parentPort?.on('message', ({ id, input }: { id: number; input: PoolQuery[] }) => {
  try {
    const output = input.map((query) => {
      const index = indexes.get(query.key);
      if (!index) throw new Error(`no index ${query.key} in this worker`);
      return index.query(query.hash, query.threshold);
    });
    parentPort?.postMessage({ id, output });
  } catch (error) {
    parentPort?.postMessage({ id, error: (error as Error).message });
  }
});
