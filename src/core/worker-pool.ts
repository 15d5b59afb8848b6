import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ExitCode, VigieError } from './errors.js';

/**
 * The compiled sibling of a module, for worker scripts: when the caller runs from TypeScript sources (tests), the
 * worker must still be plain JavaScript, so `src/x/y.ts` maps to `dist/x/y.js` (built by `npm run build`).
 */
export function compiledModuleUrl(callerUrl: string, relative: string): URL {
  const url = new URL(relative, callerUrl);
  if (existsSync(fileURLToPath(url))) return url;
  const compiled = fileURLToPath(url).replace(/([/\\])src([/\\])(?!.*[/\\]src[/\\])/, '$1dist$2');
  return pathToFileURL(compiled);
}

/**
 * The most worker threads one pool starts, whatever `-j` asks: each thread costs tens of MB and CPU-bound work gains
 * nothing past a few per core (`-j 2000` used to start 2000 threads, 7 GB).
 */
export const MAX_WORKERS = Math.max(8, availableParallelism() * 4);

/** The number of workers a pool really starts for `requested`, and whether that is fewer than asked. */
export function clampWorkers(requested: number): { size: number; clamped: boolean } {
  const size = Math.max(1, Math.min(Math.floor(requested) || 1, MAX_WORKERS));
  return { size, clamped: requested > MAX_WORKERS };
}

interface Task<I, R> {
  id: number;
  input: I;
  resolve(value: R): void;
  reject(error: Error): void;
}

interface Slot<I, R> {
  worker: Worker;
  /** Tasks posted to this worker and not answered yet. */
  tasks: Map<number, Task<I, R>>;
}

/**
 * Worker threads running one script, started lazily: a new worker only when every running one is busy, up to
 * `size` (clamped to MAX_WORKERS), so one input never starts more than one thread. Each task goes to the least busy
 * worker; the script answers every `{ id, input }` message with `{ id, output }` or `{ id, error }`. A worker that
 * crashes or exits fails only its own tasks (with a clear `worker-crashed` error) and is replaced on demand. Idle
 * workers are unref'd, so an unclosed pool never keeps the process alive.
 */
export class WorkerPool<I, R> {
  private readonly slots: Slot<I, R>[] = [];
  private readonly size: number;
  private nextId = 0;
  private closed = false;

  constructor(
    private readonly script: URL,
    size: number,
    private readonly workerData?: unknown,
  ) {
    this.size = clampWorkers(size).size;
  }

  /** Workers running now (for tests and diagnostics). */
  get workerCount(): number {
    return this.slots.length;
  }

  run(input: I): Promise<R> {
    if (this.closed) return Promise.reject(new VigieError('internal', 'the worker pool is closed', ExitCode.internal));
    const slot = this.pickSlot();
    return new Promise<R>((resolve, reject) => {
      const task: Task<I, R> = { id: this.nextId++, input, resolve, reject };
      if (slot.tasks.size === 0) slot.worker.ref();
      slot.tasks.set(task.id, task);
      slot.worker.postMessage({ id: task.id, input });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots.splice(0);
    await Promise.all(slots.map(({ worker }) => worker.terminate()));
  }

  private pickSlot(): Slot<I, R> {
    const idle = this.slots.find((slot) => slot.tasks.size === 0);
    if (idle) return idle;
    if (this.slots.length < this.size) return this.spawn();
    return this.slots.reduce((best, candidate) => (candidate.tasks.size < best.tasks.size ? candidate : best));
  }

  private spawn(): Slot<I, R> {
    const worker = new Worker(this.script, { workerData: this.workerData });
    const slot: Slot<I, R> = { worker, tasks: new Map() };
    worker.on('message', (message: { id: number; output?: R; error?: string }) => {
      const task = slot.tasks.get(message.id);
      if (!task) return;
      slot.tasks.delete(message.id);
      if (slot.tasks.size === 0) worker.unref();
      if (message.error !== undefined) task.reject(new Error(message.error));
      else task.resolve(message.output as R);
    });
    const retire = (why: string) => {
      const index = this.slots.indexOf(slot);
      if (index < 0) return;
      this.slots.splice(index, 1);
      const tasks = [...slot.tasks.values()];
      slot.tasks.clear();
      for (const task of tasks) task.reject(new VigieError('worker-crashed', `worker thread ${why}`, ExitCode.internal));
      void worker.terminate();
    };
    worker.on('error', (error) => retire(`crashed: ${error.message.split('\n', 1)[0]}`));
    worker.on('exit', (code) => retire(`exited with code ${code}`));
    worker.unref();
    this.slots.push(slot);
    return slot;
  }
}
