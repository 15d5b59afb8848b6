/**
 * The native store's binary layout (version 1), shared by its writer and reader. hashsets/FORMAT.md is the prose
 * version of this file; change both together and bump STORE_VERSION on any incompatible change.
 */
import { describeCategory } from '../core/categories.js';
import type { Category, HashSetEntry, Provenance } from '../core/hashset.js';
import type { SignalName } from '../core/signals/index.js';

export const STORE_MAGIC = Buffer.from('VIGIEHS\0', 'latin1');
export const TRAILER_MAGIC = Buffer.from('VHS1', 'latin1');
export const STORE_VERSION = 1;
/** Magic (8) + version (u32) + reserved (u32). */
export const PRELUDE_BYTES = 16;
/** Header offset (u64) + header length (u32) + trailer magic (4). */
export const TRAILER_BYTES = 16;
/** Sections start on multiples of 8 so that typed arrays can view them in place. */
export const SECTION_ALIGNMENT = 8;
/** Quality byte meaning "the list gave no quality". */
export const NO_QUALITY = 255;

export interface SectionRef {
  offset: number;
  length: number;
}

/** Per-signal sections: hashes (count × width), then u32 record index, u32 line, u8 quality per hash. */
export interface SignalHeader {
  signal: SignalName;
  count: number;
  width: number;
  hashes: SectionRef;
  records: SectionRef;
  lines: SectionRef;
  qualities: SectionRef;
  /** vPDQ only: u32 frame number and f64 timestamp (NaN when unknown) per hash. */
  frames?: SectionRef;
  timestamps?: SectionRef;
}

export interface StoreHeader {
  name: string;
  created: string;
  /** SHA-256 (hex) of every byte before the header: prelude and sections. */
  contentSha256: string;
  thresholds: Partial<Record<SignalName, number>>;
  signals: SignalHeader[];
  /** Number of entry records (EntryRecord) that hashes point to by index. */
  recordCount: number;
  /** The records' UTF-8 JSON texts, one after the other. */
  records: SectionRef;
  /** f64 × (recordCount + 1): record n is bytes [offsets[n], offsets[n + 1]) of `records`. */
  recordOffsets: SectionRef;
}

/**
 * What entries share: everything but the hash, its line, quality and frame position. Lists repeat the same
 * category/source/file on millions of lines, so storing it once per distinct value keeps the store small.
 */
export interface EntryRecord {
  category?: Category;
  source?: string;
  firstSeen?: string;
  lastSeen?: string;
  tags?: string[];
  provenance?: Omit<Provenance, 'line'>;
  fileSize?: number;
  fileName?: string;
  video?: { id: string };
  mergedFrom?: Provenance[];
}

/** The shared part of an entry, with keys in a fixed order so that equal records serialise equally. */
export function entryRecord(entry: HashSetEntry): EntryRecord {
  const record: EntryRecord = {};
  // Illegality is not frozen into the store: it is read from data/categories.json when the entry is.
  if (entry.category) {
    const { scheme, value, label } = entry.category;
    record.category = { scheme, value, ...(label !== undefined && { label }) };
  }
  if (entry.source !== undefined) record.source = entry.source;
  if (entry.firstSeen !== undefined) record.firstSeen = entry.firstSeen;
  if (entry.lastSeen !== undefined) record.lastSeen = entry.lastSeen;
  if (entry.tags && entry.tags.length > 0) record.tags = entry.tags;
  if (entry.provenance) record.provenance = { file: entry.provenance.file, format: entry.provenance.format };
  if (entry.fileSize !== undefined) record.fileSize = entry.fileSize;
  if (entry.fileName !== undefined) record.fileName = entry.fileName;
  if (entry.video) record.video = { id: entry.video.id };
  if (entry.mergedFrom && entry.mergedFrom.length > 0) record.mergedFrom = entry.mergedFrom;
  return record;
}

/** An entry rebuilt from its shared record and its per-hash fields; absent values stay absent. */
export function entryFromRecord(
  hash: string,
  signal: SignalName,
  record: EntryRecord,
  line: number,
  quality: number,
  frame?: { frame: number; timestamp: number },
): HashSetEntry {
  const entry: HashSetEntry = { hash, signal };
  if (record.category) entry.category = describeCategory(record.category);
  if (record.source !== undefined) entry.source = record.source;
  if (record.firstSeen !== undefined) entry.firstSeen = record.firstSeen;
  if (record.lastSeen !== undefined) entry.lastSeen = record.lastSeen;
  if (record.tags) entry.tags = [...record.tags];
  if (record.provenance) entry.provenance = { ...record.provenance, line };
  if (quality !== NO_QUALITY) entry.quality = quality;
  if (record.fileSize !== undefined) entry.fileSize = record.fileSize;
  if (record.fileName !== undefined) entry.fileName = record.fileName;
  if (record.video && frame) {
    entry.video = { id: record.video.id, frame: frame.frame };
    if (!Number.isNaN(frame.timestamp)) entry.video.timestamp = frame.timestamp;
  }
  if (record.mergedFrom) entry.mergedFrom = record.mergedFrom.map((p) => ({ ...p }));
  return entry;
}
