/**
 * Maps `source` through `fn` with at most `limit` calls in flight, yielding results in input order. Memory is
 * bounded by the window of in-flight items, so it suits batches of millions.
 */
export async function* mapOrdered<T, R>(
  source: AsyncIterable<T> | Iterable<T>,
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): AsyncGenerator<R> {
  const window: Promise<R>[] = [];
  let index = 0;
  for await (const item of source) {
    window.push(fn(item, index++));
    // Unhandled-rejection guard: a rejection is observed when its turn comes in the window.
    window[window.length - 1].catch(() => undefined);
    if (window.length >= limit) yield await (window.shift() as Promise<R>);
  }
  while (window.length > 0) yield await (window.shift() as Promise<R>);
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
