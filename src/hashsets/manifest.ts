import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { writeFileAtomic } from '../core/atomic.js';
import { isoNow, type Clock } from '../core/clock.js';
import { digestFile } from '../core/digest.js';
import { VigieError } from '../core/errors.js';
import type { SignalName } from '../core/signals/index.js';
import type { DetectedFormat } from './detect.js';
import { readList } from './import.js';
import type { ImportOptions } from './import-context.js';
import type { FormatName } from './formats/index.js';
import { STORE_VERSION } from './store-layout.js';

export const MANIFEST_VERSION = 1;

/**
 * What a CI job checks a list against (hash-formats.md §10): the file's SHA-256 and size, entry counts per signal,
 * the format and its version, and a sequence number that must never go backwards. It holds no hashes of media, so
 * it may live in a repository where the list may not.
 */
export interface Manifest {
  manifest_version: number;
  name: string;
  /** Monotonic: a list with a lower sequence than the last accepted one is a rollback. */
  sequence: number;
  created_at: string;
  /** Base name of the list file, which sits beside the manifest. */
  file: string;
  format: DetectedFormat;
  /** Native store layout version; absent for text formats. */
  format_version?: number;
  /** Import options needed to read the file again (e.g. the type of a plain list). */
  options?: { type?: SignalName; category_scheme?: string };
  sha256: string;
  bytes: number;
  counts: Partial<Record<SignalName, number>>;
  total: number;
  /** SHA-256 of the manifest this one replaces, when known. */
  previous_manifest_sha256?: string;
}

export const manifestPathOf = (setPath: string) => `${setPath}.manifest.json`;

/** SHA-256 and size of a file, streamed. */
export async function sha256File(path: string): Promise<{ sha256: string; bytes: number }> {
  const { digests, bytes } = await digestFile(path, ['sha256']);
  return { sha256: digests.sha256 as string, bytes };
}

export async function readManifest(path: string): Promise<{ manifest: Manifest; text: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new VigieError('no-manifest', `${basename(path)}: manifest not found`);
  }
  try {
    const manifest = JSON.parse(text) as Manifest;
    if (typeof manifest !== 'object' || !Number.isInteger(manifest.sequence)) throw new Error('fields');
    return { manifest, text };
  } catch {
    throw new VigieError('bad-manifest', `${basename(path)}: not a valid manifest (JSON with "sequence", "sha256", …)`);
  }
}

export interface ManifestOptions {
  sequence?: number;
  name?: string;
  format?: FormatName;
  type?: SignalName;
  categoryScheme?: string;
  /** Where `created_at` comes from (tests fix it). Default: the system clock. */
  clock?: Clock;
}

/**
 * Builds the manifest of a list by reading it once: digest, size, counts. The sequence is `options.sequence`, else
 * one more than the manifest already beside the file, else 1.
 */
export async function buildManifest(setPath: string, options: ManifestOptions = {}): Promise<Manifest> {
  const previous = await readManifest(manifestPathOf(setPath)).catch(() => undefined);
  const importOptions: ImportOptions & { format?: FormatName } = {
    format: options.format ?? (previous?.manifest.format !== 'native' ? previous?.manifest.format : undefined),
    type: options.type ?? previous?.manifest.options?.type,
    categoryScheme: options.categoryScheme ?? previous?.manifest.options?.category_scheme,
  };
  const { format, context, entries } = await readList(setPath, importOptions);
  for await (const _entry of entries) {
    // counted by the context
  }
  const { sha256, bytes } = await sha256File(setPath);
  const counts = context.counts;
  const manifest: Manifest = {
    manifest_version: MANIFEST_VERSION,
    name: options.name ?? previous?.manifest.name ?? basename(setPath),
    sequence: options.sequence ?? (previous ? previous.manifest.sequence + 1 : 1),
    created_at: isoNow(options.clock),
    file: basename(setPath),
    format,
    sha256,
    bytes,
    counts,
    total: Object.values(counts).reduce((sum, n) => sum + (n ?? 0), 0),
  };
  if (format === 'native') manifest.format_version = STORE_VERSION;
  if (importOptions.type || importOptions.categoryScheme) {
    manifest.options = {};
    if (importOptions.type) manifest.options.type = importOptions.type;
    if (importOptions.categoryScheme) manifest.options.category_scheme = importOptions.categoryScheme;
  }
  if (previous) manifest.previous_manifest_sha256 = createHash('sha256').update(previous.text).digest('hex');
  return manifest;
}

export async function writeManifest(setPath: string, manifest: Manifest): Promise<string> {
  const path = manifestPathOf(setPath);
  await writeFileAtomic(path, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o644 });
  return path;
}
