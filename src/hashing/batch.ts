import type { WalkEntry } from '../core/files.js';
import type { HashRecord } from '../core/records.js';
import type { HashOptions } from './hash-file.js';
import { Hasher, type HasherOptions } from './hasher.js';

export interface BatchOptions extends HasherOptions, Pick<HashOptions, 'algorithms'> {
  /** Stops the batch: no new file starts, those in flight are aborted, and the iteration throws the reason. */
  signal?: AbortSignal;
}

/**
 * Hashes a stream of walked files, in input order, with bounded parallelism, on a Hasher of its own closed at the
 * end. Walk errors become error records, so the output has exactly one record per input entry.
 */
export async function* hashBatch(
  entries: AsyncIterable<WalkEntry> | Iterable<WalkEntry>,
  options: BatchOptions,
): AsyncGenerator<HashRecord> {
  const { algorithms, signal, ...hasherOptions } = options;
  const hasher = new Hasher(hasherOptions);
  try {
    yield* hasher.hashEntries(entries, { algorithms, signal });
  } finally {
    await hasher.close();
  }
}
