/**
 * The items of `source` until `signal` aborts: a batch built on it starts no new work after that, lets the work in
 * flight end (its records are still yielded: a worker's video is aborted, its ffmpeg killed, before the batch ends),
 * then calls `signal.throwIfAborted()`, so that a partial batch never ends as a whole one.
 */
export async function* untilAborted<T>(source: AsyncIterable<T> | Iterable<T>, signal: AbortSignal | undefined): AsyncGenerator<T> {
  for await (const item of source) {
    if (signal?.aborted) return;
    yield item;
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
