import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

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

interface Pending<R> {
  resolve(value: R): void;
  reject(error: Error): void;
}

/**
 * A fixed set of worker threads running one script. Each task is posted to the least busy worker; the script answers
 * every `{ id, input }` message with `{ id, output }` or `{ id, error }`. Workers are unref'd while idle, so an
 * unclosed pool never keeps the process alive.
 */
export class WorkerPool<I, R> {
  private readonly workers: { worker: Worker; busy: number }[] = [];
  private readonly pending = new Map<number, Pending<R>>();
  private nextId = 0;

  constructor(script: URL, size: number, workerData?: unknown) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(script, { workerData });
      const slot = { worker, busy: 0 };
      worker.on('message', (message: { id: number; output?: R; error?: string }) => {
        const task = this.pending.get(message.id);
        if (!task) return;
        this.pending.delete(message.id);
        if (--slot.busy === 0) worker.unref();
        if (message.error !== undefined) task.reject(new Error(message.error));
        else task.resolve(message.output as R);
      });
      worker.on('error', (error) => this.failAll(error));
      worker.unref();
      this.workers.push(slot);
    }
  }

  run(input: I): Promise<R> {
    const slot = this.workers.reduce((best, candidate) => (candidate.busy < best.busy ? candidate : best));
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (slot.busy++ === 0) slot.worker.ref();
      slot.worker.postMessage({ id, input });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map(({ worker }) => worker.terminate()));
  }

  private failAll(error: Error): void {
    for (const task of this.pending.values()) task.reject(error);
    this.pending.clear();
  }
}
