/**
 * The items of `source` until `signal` aborts, and not one more: each wait for the next item races the signal, so an
 * abort ends the iteration at once, even while a slow item is awaited. A batch built on it starts no new work after
 * that and calls `signal.throwIfAborted()`, so that a partial batch never ends as a whole one. A source ended
 * between two items is closed (its `finally` blocks run); one still computing its next item is left to finish or be
 * abandoned (the caller closes what it owns, such as a worker pool; the process exit ends the rest).
 */
export async function* untilAborted<T>(source: AsyncIterable<T> | Iterable<T>, signal: AbortSignal | undefined): AsyncGenerator<T> {
  if (!signal) {
    yield* source;
    return;
  }
  const iterator: AsyncIterator<T> | Iterator<T> =
    Symbol.asyncIterator in source ? (source as AsyncIterable<T>)[Symbol.asyncIterator]() : (source as Iterable<T>)[Symbol.iterator]();
  let onAbort = () => undefined as void;
  const aborted = new Promise<'aborted'>((resolve) => {
    onAbort = () => resolve('aborted');
    signal.addEventListener('abort', onAbort, { once: true });
  });
  let waiting = false;
  try {
    while (!signal.aborted) {
      waiting = true;
      const next = await Promise.race([Promise.resolve(iterator.next()), aborted]);
      if (next === 'aborted') return;
      waiting = false;
      if (next.done || signal.aborted) return;
      yield next.value;
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    if (!waiting) await iterator.return?.();
  }
}

/**
 * `work`, abandoned when `signal` aborts: the returned promise rejects with the signal's reason at once, and the work
 * itself (a request bounded by its own timeout) is left to end on its own, its outcome ignored.
 */
export function abandonOnAbort<T>(work: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work();
  if (signal.aborted) return Promise.reject(signal.reason);
  const running = work();
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(signal.reason);
    signal.addEventListener('abort', stop, { once: true });
    running.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
  });
}
