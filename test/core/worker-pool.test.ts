import { describe, expect, it } from 'vitest';
import { clampWorkers, MAX_WORKERS, WorkerPool } from '../../src/core/worker-pool.js';

type Input = { kind?: 'exit' | 'throw' | 'fail'; value: number; delay?: number };
type Output = { value: number; threadId: number };
const script = new URL('./fixtures/pool-worker.js', import.meta.url);

describe('WorkerPool', () => {
  it('answers tasks and starts workers lazily: one task, one worker', async () => {
    const pool = new WorkerPool<Input, Output>(script, 6);
    try {
      expect(pool.workerCount).toBe(0);
      expect((await pool.run({ value: 21 })).value).toBe(42);
      expect(pool.workerCount).toBe(1);
      // Sequential tasks reuse the idle worker.
      await pool.run({ value: 1 });
      expect(pool.workerCount).toBe(1);
      const results = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((value) => pool.run({ value, delay: 20 })));
      expect(results.map((r) => r.value)).toEqual([2, 4, 6, 8, 10, 12, 14, 16]);
      expect(pool.workerCount).toBe(6);
      expect(new Set(results.map((r) => r.threadId)).size).toBe(6);
    } finally {
      await pool.close();
    }
  });

  it('survives a worker that exits: its task fails clearly, the worker is replaced, others go on', async () => {
    const pool = new WorkerPool<Input, Output>(script, 2);
    try {
      const slow = pool.run({ value: 5, delay: 100 });
      const crash = pool.run({ kind: 'exit', value: 0 });
      await expect(crash).rejects.toMatchObject({ code: 'worker-crashed', message: 'worker thread exited with code 7' });
      expect((await slow).value).toBe(10);
      const after = await Promise.all([pool.run({ value: 1 }), pool.run({ value: 2 })]);
      expect(after.map((r) => r.value)).toEqual([2, 4]);
      expect(pool.workerCount).toBe(2);
    } finally {
      await pool.close();
    }
  });

  it('survives an uncaught exception in a worker', async () => {
    const pool = new WorkerPool<Input, Output>(script, 1);
    try {
      await expect(pool.run({ kind: 'throw', value: 0 })).rejects.toMatchObject({
        code: 'worker-crashed',
        message: expect.stringContaining('boom in worker'),
      });
      expect((await pool.run({ value: 4 })).value).toBe(8);
    } finally {
      await pool.close();
    }
  });

  it('passes a task error back without killing the worker', async () => {
    const pool = new WorkerPool<Input, Output>(script, 1);
    try {
      await expect(pool.run({ kind: 'fail', value: 3 })).rejects.toThrow('failed 3');
      expect((await pool.run({ value: 3 })).value).toBe(6);
      expect(pool.workerCount).toBe(1);
    } finally {
      await pool.close();
    }
  });

  it('refuses work once closed', async () => {
    const pool = new WorkerPool<Input, Output>(script, 1);
    await pool.close();
    await expect(pool.run({ value: 1 })).rejects.toMatchObject({ code: 'internal' });
  });

  it('clamps a runaway size to MAX_WORKERS', async () => {
    expect(clampWorkers(1_000_000)).toEqual({ size: MAX_WORKERS, clamped: true });
    expect(clampWorkers(2)).toEqual({ size: 2, clamped: false });
    expect(clampWorkers(0).size).toBe(1);
    const pool = new WorkerPool<Input, Output>(script, 1_000_000);
    try {
      await Promise.all(Array.from({ length: MAX_WORKERS + 5 }, (_, value) => pool.run({ value, delay: 30 })));
      expect(pool.workerCount).toBe(MAX_WORKERS);
    } finally {
      await pool.close();
    }
  });
});
