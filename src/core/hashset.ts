/**
 * What every domain sees of a loaded hash set (the store itself is src/hashsets/). Matching reads the binary hash
 * arrays directly; notices and reports read entry metadata through `entry()`.
 */
import type { Category } from './categories.js';
import type { SignalName } from './signals/index.js';

export type { Category } from './categories.js';

/** Where an entry came from: enough to find the original line or record again. */
export interface Provenance {
  /** The file it was imported from (base name only: hash sets are shared, local paths are not). */
  file: string;
  /** 1-based line (text formats) or record number (XML/JSON). */
  line: number;
  format: string;
}

export interface HashSetEntry {
  /** Normalised lowercase hex. */
  hash: string;
  signal: SignalName;
  category?: Category;
  /** The list it was received in: `ncmec`, `iwf`, `project-vic`, `own`, … */
  source?: string;
  /** ISO 8601 dates. */
  firstSeen?: string;
  lastSeen?: string;
  tags?: string[];
  provenance?: Provenance;
  /** PDQ/vPDQ quality 0–100, when the list gives one. */
  quality?: number;
  /** Size in bytes of the file the hash was computed from (hashdeep, NSRL, VICS `MediaSize`, `vigie hash`). */
  fileSize?: number;
  /** Name of the file the hash was computed from, as the list gives it. */
  fileName?: string;
  /** For vPDQ frame hashes: the video the frame belongs to. */
  video?: VideoFrameRef;
  /** When entries of several lists were merged into this one, where the others came from. */
  mergedFrom?: Provenance[];
}

/** Where a vPDQ frame hash sits in its video. */
export interface VideoFrameRef {
  /** The video's id in the set (its vPDQ file's base name, or the path `vigie hash` recorded). */
  id: string;
  /** Frame number from 0, as in Meta's vPDQ files. */
  frame: number;
  /** Seconds from the start, when known. */
  timestamp?: number;
}

/** One video of a vPDQ list: its entry (metadata of the video) and its frames in order. */
export interface HashSetVideo {
  id: string;
  /** Metadata shared by the video's frames; `hash` is the first frame's PDQ. */
  entry: HashSetEntry;
  frames: { pdq: string; quality: number }[];
}

/** The hashes of one signal type as one contiguous array: hash i is bytes [i·width, (i+1)·width). */
export interface SignalArray {
  signal: SignalName;
  count: number;
  /** Bytes per hash (16 for MD5, 32 for PDQ). */
  width: number;
  hashes: Uint8Array;
  /** Quality 0–100 of hash i, 255 when the list gave none (present for every signal of a native store). */
  qualities?: Uint8Array;
}

export interface LoadedHashSet {
  /** The set's name (from its manifest). */
  name: string;
  /** Where it was loaded from. */
  path: string;
  /** SHA-256 of the set's content as the manifest records it: derived files (indexes) are keyed on it. */
  contentSha256: string;
  /** Per-set match thresholds, overriding the signal types' defaults. */
  thresholds: Partial<Record<SignalName, number>>;
  arrays: Partial<Record<SignalName, SignalArray>>;
  /** Metadata of the i-th hash of a signal's array. */
  entry(signal: SignalName, index: number): HashSetEntry;
  /** vPDQ videos, one per vPDQ file imported, frames in order; their frame hashes are also in `arrays.vpdq`. */
  videos?: HashSetVideo[];
  /** Version of the native store layout it was read from (hashsets/FORMAT.md). */
  formatVersion?: number;
}
