import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inBatches, KeyedLimiter, mapOrdered, mapOrderedOutcomes, mapUnordered, type Outcome } from '../../src/core/concurrency.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

describe('mapOrdered', () => {
  it('yields in input order whatever the completion order', async () => {
    const delays = [30, 1, 20, 5, 0, 12];
    const results = await collect(mapOrdered(delays, 3, async (delay, index) => (await sleep(delay), index)));
    expect(results).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('never has more than limit calls in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    await collect(
      mapOrdered(Array.from({ length: 50 }, (_, i) => i), 4, async (i) => {
        peak = Math.max(peak, ++inFlight);
        await sleep(i % 3);
        inFlight--;
        return i;
      }),
    );
    expect(peak).toBe(4);
  });

  it('keeps starting new work while its oldest item is slow (no head-of-line blocking)', async () => {
    let started = 0;
    let startedWhenHeadFinished = 0;
    const results = await collect(
      mapOrdered(Array.from({ length: 40 }, (_, i) => i), 4, async (i) => {
        started++;
        await sleep(i === 0 ? 300 : 5);
        if (i === 0) startedWhenHeadFinished = started;
        return i;
      }),
    );
    expect(results).toEqual(Array.from({ length: 40 }, (_, i) => i));
    // The old window of 4 started nothing while its oldest item waited (4 started); now all 39 others ran meanwhile.
    expect(startedWhenHeadFinished).toBe(40);
  });

  it('throws the first error in input order', async () => {
    await expect(
      collect(mapOrdered([1, 2, 3], 2, async (n) => {
        if (n === 2) throw new Error('two');
        return n;
      })),
    ).rejects.toThrow('two');
  });

  it('refuses a limit below 1', async () => {
    await expect(collect(mapOrdered([1], 0, async (n) => n))).rejects.toThrow(RangeError);
  });

  it('matches a sequential map for any items and limits (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 30 }), fc.integer({ min: 1, max: 8 }), async (delays, limit) => {
        const results = await collect(mapOrdered(delays, limit, async (delay, i) => (await sleep(delay), i * 10)));
        expect(results).toEqual(delays.map((_, i) => i * 10));
      }),
      { numRuns: 25 },
    );
  });
});

describe('mapOrderedOutcomes and mapUnordered', () => {
  it('yield errors as outcomes, the batch going on', async () => {
    const outcomes = await collect(
      mapOrderedOutcomes([1, 2, 3], async (n) => {
        if (n === 2) throw new Error('two');
        return n * 10;
      }, { limit: 2 }),
    );
    expect(outcomes.map((o) => (o.ok ? o.value : (o.error as Error).message))).toEqual([10, 'two', 30]);
    expect(outcomes.map((o) => o.index)).toEqual([0, 1, 2]);
  });

  it('a synchronous throw is an outcome too', async () => {
    const outcomes = await collect(mapUnordered([1], () => {
      throw new Error('sync');
    }, { limit: 1 }));
    expect(outcomes[0]).toMatchObject({ ok: false, item: 1 });
  });

  it('unordered yields each outcome as soon as it is ready', async () => {
    const outcomes = await collect(mapUnordered([50, 0, 20], async (delay) => (await sleep(delay), delay), { limit: 3 }));
    expect(outcomes.map((o) => (o as Outcome<number, number> & { ok: true }).value)).toEqual([0, 20, 50]);
  });

  it('bounds the reorder buffer: past the window, starting waits for the slow head', async () => {
    let started = 0;
    const gen = mapOrderedOutcomes(Array.from({ length: 100 }, (_, i) => i), async (i) => {
      started++;
      await sleep(i === 0 ? 200 : 0);
      return i;
    }, { limit: 2, reorderWindow: 10 });
    const first = gen.next();
    await sleep(100);
    // 1 slow + at most 10 finished + 1 in flight.
    expect(started).toBeLessThanOrEqual(12);
    expect((await first).value).toMatchObject({ index: 0, ok: true });
    await collect(gen);
    expect(started).toBe(100);
  });

  it('an abort stops starting work and throws the reason', async () => {
    const controller = new AbortController();
    let started = 0;
    const run = collect(mapUnordered(Array.from({ length: 1000 }, (_, i) => i), async () => {
      started++;
      await sleep(10);
    }, { limit: 5, signal: controller.signal }));
    await sleep(35);
    controller.abort(new Error('stop'));
    await expect(run).rejects.toThrow('stop');
    const atAbort = started;
    await sleep(40);
    expect(started).toBe(atAbort);
    expect(started).toBeLessThan(1000);
  });

  it('an abort while the consumer holds an outcome hands out nothing more, even what already finished behind it', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    // Item 0 is slow: items 1..49 finish behind it and wait in the reorder window.
    const map = mapOrderedOutcomes(Array.from({ length: 50 }, (_, i) => i), async (i) => {
      await sleep(i === 0 ? 60 : 1);
      return i;
    }, { limit: 50, signal: controller.signal });
    const run = (async () => {
      for await (const outcome of map) {
        seen.push(outcome.index);
        controller.abort(new Error('stop'));
      }
    })();
    await expect(run).rejects.toThrow('stop');
    expect(seen).toEqual([0]);
  });

  it('an abort wakes a map waiting on a slow item', async () => {
    const controller = new AbortController();
    const run = collect(mapOrderedOutcomes([1], () => new Promise(() => undefined), { limit: 1, signal: controller.signal }));
    setTimeout(() => controller.abort(new Error('late')), 20);
    await expect(run).rejects.toThrow('late');
  });

  it('passes the signal to each call and closes the source when stopped early', async () => {
    const controller = new AbortController();
    let closed = false;
    async function* source() {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        closed = true;
      }
    }
    const seen: (AbortSignal | undefined)[] = [];
    for await (const outcome of mapUnordered(source(), async (i, _index, signal) => (seen.push(signal), i), { limit: 2, signal: controller.signal })) {
      if (outcome.index >= 3) break;
    }
    expect(closed).toBe(true);
    expect(seen[0]).toBe(controller.signal);
  });
});

describe('KeyedLimiter and inBatches', () => {
  it('runs at most perKey tasks per key, other keys unaffected', async () => {
    const limiter = new KeyedLimiter(1);
    const log: string[] = [];
    const task = (key: string, name: string, ms: number) =>
      limiter.run(key, async () => {
        log.push(`start ${name}`);
        await sleep(ms);
        log.push(`end ${name}`);
      });
    await Promise.all([task('a', 'a1', 20), task('a', 'a2', 0), task('b', 'b1', 0)]);
    expect(log.indexOf('end a1')).toBeLessThan(log.indexOf('start a2'));
    expect(log.indexOf('start b1')).toBeLessThan(log.indexOf('end a1'));
  });

  it('cuts batches of size, the last shorter', async () => {
    expect(await collect(inBatches([1, 2, 3, 4, 5], 2))).toEqual([[1, 2], [3, 4], [5]]);
  });
});
