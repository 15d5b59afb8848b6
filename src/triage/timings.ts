/**
 * Where a triage run spends its time, stage by stage, measured in the run itself (`vigie triage --timings`, the
 * bench). Reports are processed several at a time, so stages overlap in wall time. The accounting is by work: the
 * run's work is reading the files, each report's processing (from its first read to its completion) and the claims
 * between; a stage's time is the time that work spent waiting on it, summed (8 reports waiting on the network at
 * once count 8 times), and its share is that over the work's summed time. Within one piece of work the stages run
 * one after the other, so the shares add up to at most 100 %; the rest is scheduling and bookkeeping. Each stage's
 * wall time (how long at least one of its calls was in progress) is given beside it.
 */

/** The stages timed, in pipeline order; `store` is every case-store call, from any stage, waiting included. */
export const STAGES = ['read', 'clean', 'resolve', 'locate', 'hash', 'match', 'qualify', 'drafts', 'store'] as const;
export type Stage = (typeof STAGES)[number];

export interface StageTiming {
  /** Calls timed (reading counts one per record; resolve and locate one per report, a shared lookup included). */
  calls: number;
  /** Every call's duration added up, in milliseconds: concurrent calls each count. */
  busyMs: number;
  /** Milliseconds during which at least one call of the stage was in progress (at most the run's `wallMs`). */
  wallMs: number;
}

/** What a run spent, stage by stage. */
export interface RunTimings {
  /** The run's wall time in milliseconds, from reading the first file to the summary's last count. */
  wallMs: number;
  /** The run's work (reading, each report's processing, claims, the final counts), summed in milliseconds. */
  workMs: number;
  stages: Record<Stage, StageTiming>;
}

/** Times the stages of one run; cheap enough to be always on (two clock reads per call). */
export class StageClock {
  private readonly started = performance.now();
  private readonly stages = Object.fromEntries(STAGES.map((stage) => [stage, { calls: 0, busyMs: 0, wallMs: 0 }])) as Record<
    Stage,
    StageTiming
  >;
  /** Calls in progress per stage, and since when the stage has had one. */
  private readonly open = new Map<Stage, { count: number; since: number }>();
  private workMs = 0;

  /** Times `body` as a piece of the run's work (not nested in another). */
  async work<T>(body: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await body();
    } finally {
      this.workMs += performance.now() - started;
    }
  }

  /** Times `body` as one call of `stage` (a synchronous body is timed as well). */
  async time<T>(stage: Stage, body: () => Promise<T> | T): Promise<T> {
    const started = this.enter(stage);
    try {
      return await body();
    } finally {
      this.leave(stage, started);
    }
  }

  /** Times a synchronous `body` without making it asynchronous. */
  timeSync<T>(stage: Stage, body: () => T): T {
    const started = this.enter(stage);
    try {
      return body();
    } finally {
      this.leave(stage, started);
    }
  }

  /** The items of `source`, each wait for the next one timed as a call of `stage`. */
  async *iterate<T>(stage: Stage, source: AsyncIterable<T>): AsyncGenerator<T> {
    const iterator = source[Symbol.asyncIterator]();
    try {
      for (;;) {
        const next = await this.time(stage, () => iterator.next());
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await iterator.return?.();
    }
  }

  /**
   * `target` with every method that returns a promise timed as a call of `stage` (until the promise settles, so
   * the time waiting for a connection or a lock counts).
   */
  wrap<T extends object>(stage: Stage, target: T): T {
    return new Proxy(target, {
      get: (object, name) => {
        const value: unknown = Reflect.get(object, name, object);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const started = this.enter(stage);
          let result: unknown;
          try {
            result = (value as (...a: unknown[]) => unknown).apply(object, args);
          } catch (error) {
            this.leave(stage, started);
            throw error;
          }
          if (result instanceof Promise) return result.finally(() => this.leave(stage, started));
          this.leave(stage, started);
          return result;
        };
      },
    });
  }

  /** The figures so far (calls still in progress count up to now). */
  read(): RunTimings {
    const now = performance.now();
    const stages = Object.fromEntries(
      STAGES.map((stage) => {
        const timing = this.stages[stage];
        const open = this.open.get(stage);
        return [stage, { ...timing, wallMs: timing.wallMs + (open && open.count > 0 ? now - open.since : 0) }];
      }),
    ) as Record<Stage, StageTiming>;
    return { wallMs: now - this.started, workMs: this.workMs, stages };
  }

  private enter(stage: Stage): number {
    const now = performance.now();
    const open = this.open.get(stage);
    if (!open) this.open.set(stage, { count: 1, since: now });
    else if (open.count++ === 0) open.since = now;
    return now;
  }

  private leave(stage: Stage, started: number): void {
    const now = performance.now();
    const timing = this.stages[stage];
    timing.calls++;
    timing.busyMs += now - started;
    const open = this.open.get(stage)!;
    if (--open.count === 0) timing.wallMs += now - open.since;
  }
}
