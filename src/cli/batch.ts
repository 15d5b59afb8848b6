import { ExitCode, type ErrorInfo } from '../core/errors.js';
import { createRecordWriter, type Column, type OutputFormat } from './output.js';
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
}

/**
 * Writes a batch's records as they come (one per input), reports each failed input on stderr, and sets exit code 3
 * at the end when any failed. A thrown error leaves any previous `-o` file untouched.
 */
export async function writeBatch<T>(records: AsyncIterable<T>, options: BatchOutput<T>): Promise<void> {
  const writer = createRecordWriter(options.format, options.columns, options.output);
  const progress = createProgress(options.label, options.total);
  let failed = 0;
  try {
    for await (const record of records) {
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
    process.stderr.write(`vigie: ${failed}${of} ${options.failedSummary}\n`);
    process.exitCode = ExitCode.input;
  }
}
