/**
 * The items of `source` until `signal` aborts: a batch built on it starts no new work after that. The caller then
 * calls `signal.throwIfAborted()` once the work in flight is done, so that a partial batch never ends as a whole one.
 */
export async function* untilAborted<T>(source: AsyncIterable<T> | Iterable<T>, signal: AbortSignal | undefined): AsyncGenerator<T> {
  for await (const item of source) {
    if (signal?.aborted) return;
    yield item;
  }
}
