import { ExitCode, type ErrorInfo } from '../core/errors.js';
import { runSignal } from './interrupt.js';
import { createRecordWriter, summary, type Column, type OutputFormat } from './output.js';
import { createProgress } from './progress.js';

export interface BatchOutput<T> {
  format: OutputFormat;
  columns: Column<T>[];
  output?: string;
  /** Progress bar label, e.g. "hashing". */
  label: string;
  total: number;
  /** The input a record is about and its error, when it failed. */
  failure(record: T): { name: string; error: ErrorInfo } | undefined;
  /** End of the summary line, e.g. "files could not be hashed". */
  failedSummary: string;
  /** Whether to write a record (`--only-matched`…); every record counts for progress and failures. Default: all. */
  keep?(record: T): boolean;
  /** Stops the batch (default: the run's SIGINT/SIGTERM signal); the `-o` file is then not written. */
  signal?: AbortSignal;
  /** Mode of the `-o` file (default 0600). */
  mode?: number;
}

/**
 * Writes a batch's records as they come (one per input), reports each failed input on stderr, and sets exit code 3
 * at the end when any failed. A thrown error or an abort (SIGINT/SIGTERM) leaves any previous `-o` file untouched
 * and no temporary file behind; the abort's reason (exit 130/143) is thrown, even while a record is still awaited.
 */
export async function writeBatch<T>(records: AsyncIterable<T>, options: BatchOutput<T>): Promise<void> {
  const signal = options.signal ?? runSignal;
  signal.throwIfAborted();
  const writer = createRecordWriter(options.format, options.columns, options.output, { mode: options.mode });
  const progress = createProgress(options.label, options.total);
  let failed = 0;
  try {
    for await (const record of untilAborted(records, signal)) {
      const failure = options.failure(record);
      if (failure) {
        failed++;
        process.stderr.write(`\rvigie: ${failure.name}: ${failure.error.message}\n`);
      }
      if (options.keep?.(record) ?? true) writer.write(record);
      progress.tick();
    }
  } catch (error) {
    progress.done();
    await writer.abort();
    throw error;
  }
  progress.done();
  await writer.close();
  if (failed > 0) {
    const of = options.total > 0 ? ` of ${options.total}` : '';
    summary(`${failed}${of} ${options.failedSummary}`);
    process.exitCode = ExitCode.input;
  }
}

/**
 * The records, but each wait for the next one races the signal: an abort ends the loop at once (with the reason)
 * instead of waiting for a slow item. The source is left as it is; the process exit abandons its work.
 */
async function* untilAborted<T>(records: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  const iterator = records[Symbol.asyncIterator]();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => undefined);
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), aborted]);
      if (next.done) return;
      yield next.value;
      signal.throwIfAborted();
    }
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}
