import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { ExitCode, VigieError } from '../core/errors.js';
import type { HashSetEntry } from '../core/hashset.js';
import type { SignalName } from '../core/signals/index.js';
import { detectFormat, type DetectedFormat } from './detect.js';
import { FORMATS, type FormatName } from './formats/index.js';
import { ImportContext, type ImportOptions, type SkippedLine } from './import-context.js';
import { entriesOf, loadHashSet } from './store-reader.js';
import { StoreWriter, type StoreSummary } from './store-writer.js';

/** What happened to one input file: nothing is dropped without being counted here. */
export interface FileImportReport {
  file: string;
  format: DetectedFormat;
  counts: Partial<Record<SignalName, number>>;
  skippedCount: number;
  /** The first skipped lines with their reasons (all of them up to 1000). */
  skipped: SkippedLine[];
  /** Fields read but not storable, by kind (e.g. PhotoDNA hashes, URL signals, NCMEC tombstones). */
  ignored: Record<string, number>;
  warnings: string[];
}

/**
 * Entries of one list file, streamed, with the context that counts them. `format` forces a format; otherwise it is
 * detected. A native store is read as a list too (its entries keep their provenance).
 */
export async function readList(
  path: string,
  options: ImportOptions & { format?: FormatName },
): Promise<{ format: DetectedFormat; context: ImportContext; entries: AsyncGenerator<HashSetEntry> }> {
  await assertReadableFile(path);
  const format = options.format ?? (await detectFormat(path));
  const context = new ImportContext(path, format, options);
  if (format === 'native') {
    const set = await loadHashSet(path);
    const entries = (async function* () {
      for (const entry of entriesOf(set)) {
        context.counts[entry.signal] = (context.counts[entry.signal] ?? 0) + 1;
        yield entry;
      }
    })();
    return { format, context, entries };
  }
  return { format, context, entries: FORMATS[format].read(context) };
}

/** A missing, unreadable or non-regular input is a clear input error, not a stack trace from deep in a reader. */
async function assertReadableFile(path: string): Promise<void> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new VigieError(error.code === 'ENOENT' ? 'not-found' : 'unreadable', `cannot read ${path}: ${error.code ?? 'error'}`);
  });
  if (!info.isFile()) throw new VigieError('not-a-file', `${path} is not a regular file`);
  await access(path, constants.R_OK).catch(() => {
    throw new VigieError('unreadable', `cannot read ${path}: permission denied`);
  });
}

export function reportOf(format: DetectedFormat, context: ImportContext): FileImportReport {
  return {
    file: basename(context.path),
    format,
    counts: context.counts,
    skippedCount: context.skippedCount,
    skipped: context.skipped,
    ignored: context.ignored,
    warnings: context.warnings,
  };
}

export interface ImportSetOptions extends ImportOptions {
  format?: FormatName;
  /** The set's name (default: the output file's base name). */
  name?: string;
  thresholds?: Partial<Record<SignalName, number>>;
}

export interface ImportResult {
  store: StoreSummary;
  files: FileImportReport[];
}

/** Imports list files into one native store at `output`, streaming (bounded memory whatever the lists' sizes). */
export async function importHashSet(inputs: string[], output: string, options: ImportSetOptions = {}): Promise<ImportResult> {
  if (inputs.length === 0) throw new VigieError('usage', 'no list to import', ExitCode.usage);
  const writer = new StoreWriter(output, { name: options.name ?? basename(output), thresholds: options.thresholds });
  const files: FileImportReport[] = [];
  let imported = 0;
  try {
    for (const input of inputs) {
      const { format, context, entries } = await readList(input, options);
      for await (const entry of entries) {
        writer.add(entry);
        imported++;
      }
      files.push(reportOf(format, context));
    }
    assertSomethingImported(imported, files);
  } catch (error) {
    writer.abort();
    throw error;
  }
  return { store: await writer.close(), files };
}

/** Lists whose every line was skipped must not become an empty set that looks like a successful import. */
function assertSomethingImported(imported: number, files: FileImportReport[]): void {
  const skipped = files.reduce((total, file) => total + file.skippedCount, 0);
  if (imported > 0 || skipped === 0) return;
  const first = files.flatMap((file) => file.skipped)[0];
  const example = first ? ` (first: ${first.file}:${first.line}: ${first.reason})` : '';
  throw new VigieError('nothing-imported', `nothing imported: all ${skipped} line(s) were skipped${example}`);
}
