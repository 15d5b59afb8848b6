import type { ErrorInfo } from './errors.js';
import type { Producer } from './producer.js';
import type { SignalName } from './signals/index.js';

export type { Producer };

/** Hashes of one file, lowercase hex, keyed by signal name; only the ones computed are present. */
export type Hashes = Partial<Record<SignalName, string>>;

/** PDQ's eight dihedral variants, always in this order (the order of `pdq-photo-hasher --pdqdih-across`). */
export const DIHEDRAL_VARIANTS = [
  'orig',
  'rot90',
  'rot180',
  'rot270',
  'flipx',
  'flipy',
  'flipplus1',
  'flipminus1',
] as const;
export type DihedralVariant = (typeof DIHEDRAL_VARIANTS)[number];

/**
 * What every hash record carries: the file (or the label of bytes hashed from memory, or `<list>:<line>` for a hash
 * read from a list), when it was hashed and by what. Fields a source cannot give (a list has no image size) are
 * absent, never zero or empty.
 */
export interface HashRecordBase {
  path: string;
  /** When the hashing finished (UTC ISO 8601, `…Z`). */
  observedAt: string;
  /** Tool version, and for perceptual hashes the decoder version (DECODER_VERSION). */
  producer: Producer;
}

/** `vigie hash` output for an image. The JSON Lines form is this object as is. */
export interface ImageHashRecord extends HashRecordBase {
  media: 'image';
  /** File size; absent for a hash that came from a list without it. */
  bytes?: number;
  /** Pixel size as decoded; absent when the image was not decoded (a hash from a list). */
  width?: number;
  height?: number;
  hashes: Hashes;
  /** PDQ quality 0–100, present when PDQ was computed. Hashes under 50 should not be matched on. */
  pdqQuality?: number;
  /** The 8 PDQ variants in DIHEDRAL_VARIANTS order, present with `--dihedral`. */
  pdqDihedral?: string[];
  /** Things an analyst should know about how the file was read (e.g. only the first frame of an animation). */
  warnings?: string[];
}

/** One hashed frame of a video. */
export interface VideoFrameHash {
  /** Frame number counted from 0 in decode order, as in Meta's vPDQ files. */
  frame: number;
  /** Seconds from the start of the stream. */
  timestamp: number;
  pdq: string;
  quality: number;
}

/**
 * `vigie hash` output for a video. The stream facts and frames are present when the video was decoded; when only
 * cryptographic hashes were asked for (or the hashes came from a list), whatever was not measured is absent.
 */
export interface VideoHashRecord extends HashRecordBase {
  media: 'video';
  bytes?: number;
  width?: number;
  height?: number;
  /** Seconds. */
  duration?: number;
  fps?: number;
  /** ffprobe's codec name, e.g. `h264`. */
  codec?: string;
  /** Cryptographic hashes of the file itself. */
  hashes: Hashes;
  /** PDQ hashes of the frames (vPDQ); absent when the video was not decoded. */
  frames?: VideoFrameHash[];
  warnings?: string[];
}

/** A file that is neither an image nor a video: only its cryptographic hashes. */
export interface OtherHashRecord extends HashRecordBase {
  media: 'other';
  bytes?: number;
  hashes: Hashes;
  warnings?: string[];
}

/** A file that could not be hashed (or an input line that could not be read); the batch goes on without it. */
export interface HashErrorRecord extends Partial<HashRecordBase> {
  path: string;
  error: ErrorInfo;
}

export type HashRecord = ImageHashRecord | VideoHashRecord | OtherHashRecord | HashErrorRecord;

export function isHashError(record: HashRecord): record is HashErrorRecord {
  return 'error' in record;
}
