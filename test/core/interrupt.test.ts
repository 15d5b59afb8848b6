import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeBatch } from '../../src/cli/batch.js';
import { writeFileAtomic } from '../../src/core/atomic.js';
import { abortOnInterrupt, installProcessInterrupt, interruptedExitCode, interruption, processInterrupted } from '../../src/core/interrupt.js';

describe('abortOnInterrupt', () => {
  it('SIGTERM aborts with an interrupted error (exit 143); a second signal forces the end', () => {
    const controller = new AbortController();
    const forced: number[] = [];
    const dispose = abortOnInterrupt(controller, { graceMs: 60_000, onForce: (code) => forced.push(code) });
    try {
      process.emit('SIGTERM');
      expect(controller.signal.aborted).toBe(true);
      expect(controller.signal.reason).toMatchObject({ code: 'interrupted', exitCode: 143, message: 'interrupted by SIGTERM' });
      expect(forced).toEqual([]);
      process.emit('SIGINT');
      expect(forced).toEqual([143]);
    } finally {
      dispose();
    }
  });

  it('SIGINT is 130, and the grace period forces the end when the work does not wind down', async () => {
    const controller = new AbortController();
    const forced: number[] = [];
    const dispose = abortOnInterrupt(controller, { graceMs: 30, onForce: (code) => forced.push(code) });
    try {
      process.emit('SIGINT');
      expect(interruptedExitCode(controller.signal.reason)).toBe(130);
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect(forced).toEqual([130]);
    } finally {
      dispose();
    }
    expect(interruptedExitCode(new Error('other'))).toBeUndefined();
  });
});

describe('writeBatch', () => {
  it('an abort while a record is awaited ends the batch at once: reason thrown, no output, no temporary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-batch-'));
    const controller = new AbortController();
    async function* records() {
      yield { n: 1 };
      await new Promise(() => undefined); // a slow item that never finishes
    }
    setTimeout(() => controller.abort(interruption('SIGTERM')), 50);
    await expect(
      writeBatch(records(), {
        format: 'jsonl',
        columns: [],
        output: join(dir, 'out.jsonl'),
        label: 'test',
        total: 2,
        failure: () => undefined,
        failedSummary: 'failed',
        signal: controller.signal,
      }),
    ).rejects.toMatchObject({ code: 'interrupted', exitCode: 143 });
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('the process interruption', () => {
  it('once interrupted, no atomic write commits: it is discarded and the interruption thrown', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-interrupted-'));
    const forced: number[] = [];
    const dispose = installProcessInterrupt((code) => forced.push(code), 60_000);
    try {
      await writeFileAtomic(join(dir, 'before.txt'), 'ok');
      process.emit('SIGTERM');
      expect(processInterrupted.aborted).toBe(true);
      await expect(writeFileAtomic(join(dir, 'after.txt'), 'late')).rejects.toMatchObject({ code: 'interrupted', exitCode: 143 });
      expect(readdirSync(dir)).toEqual(['before.txt']);
    } finally {
      dispose();
    }
  });
});
