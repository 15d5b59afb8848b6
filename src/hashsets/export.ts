import { createAtomicWriteStream } from '../core/atomic.js';
import { once } from 'node:events';
import type { HashSetEntry } from '../core/hashset.js';
import type { SignalName } from '../core/signals/index.js';
import { FORMATS, type ExportSkips, type FormatName } from './formats/index.js';
import { ExitCode, VigieError } from '../core/errors.js';
import { entriesOf, loadHashSet } from './store-reader.js';

export interface ExportOptions {
  /** Only this signal's entries (plain lists hold one signal). */
  signal?: SignalName;
}

/** Text of `entries` in `format`, chunk by chunk; entries the format cannot hold are counted in `skips`. */
export function formatEntries(entries: Iterable<HashSetEntry>, format: FormatName, skips: ExportSkips): Generator<string> {
  const write = FORMATS[format].write;
  if (!write) throw new VigieError('usage', `cannot export to ${format}`, ExitCode.usage);
  return write(entries, skips);
}

/**
 * Writes a native store's entries as a list file (mode 0600, atomically: lists are sensitive). Returns the counts
 * of entries left out and why (e.g. a PDQ hash has no place in a hashdeep file).
 */
export async function exportHashSet(setPath: string, format: FormatName, output: string, options: ExportOptions = {}): Promise<{ written: number; skips: ExportSkips }> {
  const set = await loadHashSet(setPath);
  let written = 0;
  const selected = function* () {
    for (const entry of entriesOf(set)) {
      if (options.signal && entry.signal !== options.signal) continue;
      written++;
      yield entry;
    }
  };
  const skips: ExportSkips = {};
  const file = createAtomicWriteStream(output, { mode: 0o600 });
  try {
    for (const chunk of formatEntries(selected(), format, skips)) {
      if (!file.stream.write(chunk)) await once(file.stream, 'drain');
    }
    await file.commit();
  } catch (error) {
    await file.abort();
    if (error instanceof VigieError) throw error;
    throw new VigieError('unwritable', `cannot write ${output}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const skipped = Object.values(skips).reduce((sum, n) => sum + n, 0);
  return { written: written - skipped, skips };
}
