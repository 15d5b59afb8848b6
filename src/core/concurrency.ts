/** What happened to one item of a bounded map: its value, or the error its call threw. */
export type Outcome<T, R> =
  | { item: T; index: number; ok: true; value: R }
  | { item: T; index: number; ok: false; error: unknown };

export interface MapOptions {
  /** Most calls in flight at once. */
  limit: number;
  /** Stops starting new calls; calls in flight are left to honour the same signal. The map then throws the reason. */
  signal?: AbortSignal;
  /**
   * Ordered form only: most finished outcomes held back behind a slower earlier one before starting new calls
   * pauses. Bounds memory on a batch of millions; default max(1024, 64 × limit).
   */
  reorderWindow?: number;
}

/**
 * Calls `fn` on every item with at most `limit` calls in flight, yielding each outcome (value or error) as soon as
 * it is ready, in completion order. A slow item holds one slot, never the others.
 */
export async function* mapUnordered<T, R>(
  source: AsyncIterable<T> | Iterable<T>,
  fn: (item: T, index: number, signal?: AbortSignal) => Promise<R>,
  options: MapOptions,
): AsyncGenerator<Outcome<T, R>> {
  yield* runBounded(source, fn, options, false);
}

/**
 * As mapUnordered, but outcomes come out in input order (what users see in a report). Finished outcomes behind a
 * slow one are buffered (up to `reorderWindow`) while new calls keep starting: a slow or timing-out item delays
 * only the output after it, not the work.
 */
export async function* mapOrderedOutcomes<T, R>(
  source: AsyncIterable<T> | Iterable<T>,
  fn: (item: T, index: number, signal?: AbortSignal) => Promise<R>,
  options: MapOptions,
): AsyncGenerator<Outcome<T, R>> {
  yield* runBounded(source, fn, options, true);
}

/**
 * Maps `source` through `fn` with at most `limit` calls in flight, yielding results in input order; the first error
 * (in input order) is thrown. Built on mapOrderedOutcomes, so a slow item does not stop new work from starting.
 */
export async function* mapOrdered<T, R>(
  source: AsyncIterable<T> | Iterable<T>,
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  signal?: AbortSignal,
): AsyncGenerator<R> {
  for await (const outcome of runBounded(source, fn, { limit, signal }, true)) {
    if (!outcome.ok) throw outcome.error;
    yield outcome.value;
  }
}

async function* runBounded<T, R>(
  source: AsyncIterable<T> | Iterable<T>,
  fn: (item: T, index: number, signal?: AbortSignal) => Promise<R>,
  { limit, signal, reorderWindow }: MapOptions,
  ordered: boolean,
): AsyncGenerator<Outcome<T, R>> {
  if (!(limit >= 1)) throw new RangeError(`limit must be at least 1, not ${limit}`);
  const window = reorderWindow ?? Math.max(1024, 64 * limit);
  const iterator = (Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]()) as
    | AsyncIterator<T>
    | Iterator<T>;
  const finished = new Map<number, Outcome<T, R>>();
  let inFlight = 0;
  let started = 0;
  let nextOut = 0;
  let exhausted = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const onAbort = () => notify();
  signal?.addEventListener('abort', onAbort);
  const start = (item: T) => {
    const index = started++;
    inFlight++;
    // A synchronous throw from fn is an outcome like a rejection.
    new Promise<R>((resolve) => resolve(fn(item, index, signal))).then(
      (value) => finished.set(index, { item, index, ok: true, value }),
      (error: unknown) => finished.set(index, { item, index, ok: false, error }),
    ).finally(() => {
      inFlight--;
      notify();
    });
  };
  try {
    for (;;) {
      signal?.throwIfAborted();
      // Start what the limit and the reorder window allow.
      while (!exhausted && inFlight < limit && finished.size < window) {
        const next = await iterator.next();
        signal?.throwIfAborted();
        if (next.done) exhausted = true;
        else start(next.value);
      }
      // Hand out what is ready; an abort while the consumer held an outcome stops the rest (which can be a whole
      // reorder window finished behind one slow item) from being handed out as if nothing had happened.
      let yielded = false;
      if (ordered) {
        for (let outcome = finished.get(nextOut); outcome; outcome = finished.get(nextOut)) {
          signal?.throwIfAborted();
          finished.delete(nextOut++);
          yielded = true;
          yield outcome;
        }
      } else {
        for (const [index, outcome] of finished) {
          signal?.throwIfAborted();
          finished.delete(index);
          nextOut++;
          yielded = true;
          yield outcome;
        }
      }
      if (exhausted && inFlight === 0 && finished.size === 0) return;
      if (!yielded) await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (!exhausted) await (iterator.return?.() as Promise<unknown> | undefined);
  }
}

/** Limits how many tasks run at once per key (e.g. per host); tasks over the limit wait their turn in order. */
export class KeyedLimiter {
  private readonly running = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(private readonly perKey: number) {}

  async run<R>(key: string, task: () => Promise<R>): Promise<R> {
    if ((this.running.get(key) ?? 0) >= this.perKey) {
      await new Promise<void>((resolve) => {
        const queue = this.waiting.get(key) ?? [];
        queue.push(resolve);
        this.waiting.set(key, queue);
      });
    }
    this.running.set(key, (this.running.get(key) ?? 0) + 1);
    try {
      return await task();
    } finally {
      const queue = this.waiting.get(key);
      const next = queue?.shift();
      if (queue && queue.length === 0) this.waiting.delete(key);
      const count = (this.running.get(key) ?? 1) - 1;
      if (count === 0) this.running.delete(key);
      else this.running.set(key, count);
      next?.();
    }
  }
}

/** The items of `source` in arrays of `size` (the last may be shorter), for work that pays per batch. */
export async function* inBatches<T>(source: AsyncIterable<T> | Iterable<T>, size: number): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const item of source) {
    batch.push(item);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
