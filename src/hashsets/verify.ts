import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { describeError, VigieError } from '../core/errors.js';
import type { SignalArray } from '../core/hashset.js';
import { signalType, type SignalName } from '../core/signals/index.js';
import { readList } from './import.js';
import { manifestPathOf, MANIFEST_VERSION, readManifest, sha256File, type Manifest } from './manifest.js';
import { checkSignature } from './signing.js';
import { duplicateIndexes } from './duplicates.js';
import { contentIntact, isNativeStore, loadHashSet, readStoreHeader } from './store-reader.js';
import { NO_QUALITY, STORE_VERSION } from './store-layout.js';
import type { FormatName } from './formats/index.js';

/** One reason a list is not sound: printed as `file:line: message` (line when the problem has one). */
export interface VerifyProblem {
  file: string;
  line?: number;
  message: string;
}

export interface VerifyOptions {
  /** Ed25519 public key (PEM): the signature must hold with it. Without it the signature is not checked. */
  publicKey?: string;
  /** The last accepted manifest: the sequence must not go backwards. */
  previous?: string;
  expectMinCount?: number;
  /** Problems kept in full; beyond this only counted (a corrupt 10M-line list would otherwise flood CI logs). */
  maxProblems?: number;
}

export interface VerifyReport {
  file: string;
  sound: boolean;
  manifest?: Pick<Manifest, 'name' | 'sequence' | 'format' | 'sha256' | 'counts' | 'total'>;
  counts: Partial<Record<SignalName, number>>;
  /**
   * Hashes present more than once, by signal. Not a problem: import keeps every occurrence with its provenance and
   * says so, and a set fresh from import must verify; `hashset dedupe` keeps one.
   */
  duplicates: Partial<Record<SignalName, number>>;
  /** True when the list holds no hash at all: sound or not, it is said (`--expect-min-count` makes it fail). */
  empty: boolean;
  signature: 'valid' | 'invalid' | 'not checked';
  problems: VerifyProblem[];
  problemCount: number;
}

export const formatProblem = (p: VerifyProblem) => (p.line === undefined ? `${p.file}: ${p.message}` : `${p.file}:${p.line}: ${p.message}`);

/**
 * Checks a list (native store or any importable format) against its manifest: digest and size, format and version,
 * entry counts per signal, every hash's syntax, duplicates, sequence against `previous`, and the Ed25519 signature.
 * Never throws for a problem with the list: every problem is in the report.
 */
export async function verifyHashSet(setPath: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const file = basename(setPath);
  const maxProblems = options.maxProblems ?? 1000;
  const problems: VerifyProblem[] = [];
  let problemCount = 0;
  const problem = (message: string, line?: number, where = file) => {
    problemCount++;
    if (problems.length < maxProblems) problems.push({ file: where, line, message });
  };
  const report: VerifyReport = { file, sound: false, counts: {}, duplicates: {}, empty: false, signature: 'not checked', problems, problemCount: 0 };
  const manifestPath = manifestPathOf(setPath);
  let manifest: Manifest | undefined;
  try {
    manifest = (await readManifest(manifestPath)).manifest;
    report.manifest = {
      name: manifest.name,
      sequence: manifest.sequence,
      format: manifest.format,
      sha256: manifest.sha256,
      counts: manifest.counts,
      total: manifest.total,
    };
  } catch (error) {
    problem(describeError(error).message.replace(/^[^:]*: /, ''), undefined, basename(manifestPath));
  }

  if (manifest) {
    if (manifest.manifest_version !== MANIFEST_VERSION) problem(`manifest version ${manifest.manifest_version} is not ${MANIFEST_VERSION}`, undefined, basename(manifestPath));
    if (manifest.file !== file) problem(`manifest is for "${manifest.file}", not for this file`, undefined, basename(manifestPath));
    await checkContent(setPath, manifest, problem);
    if (options.publicKey) {
      const why = await checkSignature(manifestPath, options.publicKey);
      report.signature = why ? 'invalid' : 'valid';
      if (why) problem(why, undefined, basename(manifestPath));
    }
    if (options.previous) await checkSequence(manifest, options.previous, problem);
  }

  report.counts = await checkEntries(setPath, manifest, problem, report.duplicates);
  const total = Object.values(report.counts).reduce((sum, n) => sum + (n ?? 0), 0);
  report.empty = total === 0;
  if (manifest) {
    for (const signal of new Set([...Object.keys(manifest.counts ?? {}), ...Object.keys(report.counts)]) as Set<SignalName>) {
      const expected = manifest.counts?.[signal] ?? 0;
      const found = report.counts[signal] ?? 0;
      if (expected !== found) problem(`${found} ${signal} hashes, the manifest says ${expected}`);
    }
  }
  if (options.expectMinCount !== undefined && total < options.expectMinCount) {
    problem(`${total} hashes, fewer than the expected minimum ${options.expectMinCount}`);
  }
  report.problemCount = problemCount;
  report.sound = problemCount === 0;
  return report;
}

type Problem = (message: string, line?: number, where?: string) => void;
type Duplicates = Partial<Record<SignalName, number>>;

const countDuplicate = (duplicates: Duplicates, signal: SignalName) => (duplicates[signal] = (duplicates[signal] ?? 0) + 1);

async function checkContent(setPath: string, manifest: Manifest, problem: Problem): Promise<void> {
  const { sha256, bytes } = await sha256File(setPath).catch(() => ({ sha256: '', bytes: -1 }));
  if (bytes < 0) return problem('cannot read the file');
  if (bytes !== manifest.bytes) problem(`${bytes} bytes, the manifest says ${manifest.bytes}`);
  if (sha256 !== manifest.sha256) problem('SHA-256 of the file differs from the manifest (content changed)');
  if (manifest.format !== 'native') return;
  if (manifest.format_version !== STORE_VERSION) problem(`manifest says store format version ${manifest.format_version}, this vigie reads ${STORE_VERSION}`);
  try {
    const content = await readFile(setPath);
    const { version, header, headerOffset } = readStoreHeader(setPath, content);
    if (version !== manifest.format_version) problem(`store format version ${version}, the manifest says ${manifest.format_version}`);
    if (!contentIntact(content, header, headerOffset)) problem('store sections do not match the digest in its header (corrupt)');
  } catch (error) {
    problem(describeError(error).message.replace(/^[^:]*: /, ''));
  }
}

async function checkSequence(manifest: Manifest, previousPath: string, problem: Problem): Promise<void> {
  try {
    const { manifest: previous } = await readManifest(previousPath);
    if (manifest.sequence < previous.sequence) {
      problem(`sequence ${manifest.sequence} is lower than the previous manifest's ${previous.sequence} (rollback)`);
    } else if (manifest.sequence === previous.sequence && manifest.sha256 !== previous.sha256) {
      problem(`sequence ${manifest.sequence} is the previous manifest's, but the content differs (sequence not increased)`);
    }
  } catch (error) {
    problem(describeError(error).message, undefined, basename(previousPath));
  }
}

/** A store's hashes are bytes (always well-formed): check qualities and duplicates on the arrays directly. */
async function checkStoreEntries(setPath: string, problem: Problem, duplicates: Duplicates) {
  // The digest is checkContent's to report, as one problem among others.
  const set = await loadHashSet(setPath, { verify: false });
  const counts: Partial<Record<SignalName, number>> = {};
  for (const array of Object.values(set.arrays)) {
    counts[array.signal] = array.count;
    for (const _ of duplicateIndexes(array)) countDuplicate(duplicates, array.signal);
    const qualities = array.qualities ?? new Uint8Array(0);
    for (let i = 0; i < qualities.length; i++) {
      if (qualities[i] > 100 && qualities[i] !== NO_QUALITY) problem(`${array.signal} hash ${i + 1}: quality ${qualities[i]} is over 100`);
    }
  }
  return counts;
}

/** Reads every entry: skipped lines are syntax problems; a hash seen twice for the same signal is counted. */
async function checkEntries(setPath: string, manifest: Manifest | undefined, problem: Problem, duplicates: Duplicates) {
  try {
    if (manifest?.format === 'native' || (!manifest && (await isNativeStore(setPath)))) return await checkStoreEntries(setPath, problem, duplicates);
    const { context, entries } = await readList(setPath, {
      format: manifest?.format as FormatName | undefined,
      type: manifest?.options?.type,
      categoryScheme: manifest?.options?.category_scheme,
    });
    // Hashes are collected as bytes (not strings) so that a 10-million-line list can be checked for duplicates.
    const columns = new Map<SignalName, HashColumn>();
    for await (const entry of entries) {
      let column = columns.get(entry.signal);
      if (!column) columns.set(entry.signal, (column = new HashColumn(entry.signal)));
      column.push(entry.hash);
    }
    for (const column of columns.values()) {
      for (const _ of duplicateIndexes(column.array())) countDuplicate(duplicates, column.signal);
    }
    for (const skipped of context.skipped) problem(skipped.reason, skipped.line, skipped.file);
    for (let i = context.skipped.length; i < context.skippedCount; i++) problem('skipped line');
    return context.counts;
  } catch (error) {
    const message = error instanceof VigieError ? error.message : `cannot read: ${describeError(error).message}`;
    const located = /^(.+?):(\d+): (.*)$/.exec(message);
    if (located) problem(located[3], Number(located[2]), located[1]);
    else problem(message);
    return {};
  }
}

/** Hashes of one signal as growing contiguous bytes. */
class HashColumn {
  private readonly width: number;
  private bytes = Buffer.alloc(0);
  private count = 0;

  constructor(readonly signal: SignalName) {
    this.width = signalType(signal).bits / 8;
  }

  push(hex: string): void {
    if (this.count * this.width === this.bytes.length) {
      const bytes = Buffer.alloc(Math.max(1024, this.count * 2) * this.width);
      this.bytes.copy(bytes);
      this.bytes = bytes;
    }
    this.bytes.write(hex, this.count++ * this.width, 'hex');
  }

  array(): SignalArray {
    return { signal: this.signal, count: this.count, width: this.width, hashes: this.bytes.subarray(0, this.count * this.width) };
  }
}
