import { basename } from 'node:path';
import { VigieError } from '../core/errors.js';
import type { HashSetEntry } from '../core/hashset.js';
import { signalType, type SignalName } from '../core/signals/index.js';
import { DEFAULT_MAX_LINE_BYTES } from '../core/lines.js';

/** A line or record that was not imported, and why. */
export interface SkippedLine {
  file: string;
  line: number;
  reason: string;
}

export interface ImportOptions {
  /** Signal of a plain list (required for 64-hex lists: SHA-256 and PDQ look alike). */
  type?: SignalName;
  /** Generic CSV column mapping (`hash=col,type=col,…`, see formats/csv.ts). */
  map?: Record<string, string>;
  /** Field separator of generic CSV; guessed from the header line when absent. */
  delimiter?: string;
  /** Category scheme to use instead of the one the list declares (or that is assumed, e.g. for VICS 1.x). */
  categoryScheme?: string;
  /** The list's name, recorded as each entry's `source` unless the list names its own. */
  source?: string;
  /** Any skipped line is a failure. */
  strict?: boolean;
  maxLineBytes?: number;
  /** Check a native store's digest when it is read as a list (default true; `--no-verify`). */
  verify?: boolean;
}

/** How many skipped lines are kept with their reasons; beyond this only the count grows. */
const KEPT_SKIPS = 1000;

/**
 * What one file's import went through: entries are counted, skipped lines kept with their reasons (nothing is
 * dropped silently), fields the toolkit cannot store (PhotoDNA, URLs, …) counted by kind, and assumptions stated.
 */
export class ImportContext {
  readonly file: string;
  readonly counts: Partial<Record<SignalName, number>> = {};
  readonly skipped: SkippedLine[] = [];
  skippedCount = 0;
  readonly ignored: Record<string, number> = {};
  readonly warnings: string[] = [];

  constructor(
    readonly path: string,
    readonly format: string,
    readonly options: ImportOptions,
  ) {
    this.file = basename(path);
  }

  get maxLineBytes(): number {
    return this.options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  }

  /** Records a line that is not imported; with `--strict` it ends the import. */
  skip(line: number, reason: string): void {
    if (this.options.strict) {
      throw new VigieError('strict', `${this.file}:${line}: ${reason} (--strict: no line may be skipped)`);
    }
    this.skippedCount++;
    if (this.skipped.length < KEPT_SKIPS) this.skipped.push({ file: this.file, line, reason });
  }

  /** A field that was read but cannot be stored (e.g. PhotoDNA); counted so that the report says so. */
  ignore(what: string): void {
    this.ignored[what] = (this.ignored[what] ?? 0) + 1;
  }

  warn(message: string): void {
    if (!this.warnings.includes(message)) this.warnings.push(message);
  }

  /** A fatal problem with the file as a whole (truncated document, unknown header): file and line in the message. */
  fail(line: number, reason: string): VigieError {
    return new VigieError('bad-input', `${this.file}:${line}: ${reason}`);
  }

  /**
   * An entry for `hash` read at `line`, or undefined (and the line skipped) when the hash is not valid for the
   * signal. Fields of `extra` are copied when defined.
   */
  entry(signal: SignalName, hash: string, line: number, extra: Partial<HashSetEntry> = {}): HashSetEntry | undefined {
    const type = signalType(signal);
    const text = hash.trim().toLowerCase();
    if (!type.isValid(text)) {
      this.skip(line, describeBadHash(signal, text, type.bits / 4));
      return undefined;
    }
    const entry: HashSetEntry = { hash: text, signal };
    for (const key in extra) {
      const value = extra[key as keyof HashSetEntry];
      if (value !== undefined && !(Array.isArray(value) && value.length === 0)) {
        (entry as unknown as Record<string, unknown>)[key] = value;
      }
    }
    if (entry.source === undefined && this.options.source !== undefined) entry.source = this.options.source;
    entry.provenance = { file: this.file, line, format: this.format };
    this.counts[signal] = (this.counts[signal] ?? 0) + 1;
    return entry;
  }
}

/** Why a text is not a hash of the signal, without echoing more than a short prefix of it (lists are sensitive). */
export function describeBadHash(signal: string, text: string, digits: number): string {
  if (text === '') return `empty ${signal} hash`;
  if (!/^[0-9a-f]*$/.test(text)) return `bad hex in ${signal} hash`;
  return `wrong length for ${signal}: ${text.length} hex digits, ${digits} expected`;
}
