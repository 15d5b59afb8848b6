import { untilAborted } from '../core/abort.js';
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
 * and no temporary file behind; the abort's reason (exit 130/143) is thrown. The sources are given the same signal,
 * so the records still in flight come back at once (as `aborted` errors) rather than after their work.
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
    // A batch cut short by the signal must not end as a whole one (its -o file written).
    signal.throwIfAborted();
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
