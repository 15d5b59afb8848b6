import type { ErrorInfo } from './errors.js';
import type { SignalName } from './signals/index.js';

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

/** `vigie hash` output for an image. The JSON Lines form is this object as is. */
export interface ImageHashRecord {
  path: string;
  media: 'image';
  bytes: number;
  width: number;
  height: number;
  hashes: Hashes;
  /** PDQ quality 0–100, present when PDQ was computed. Hashes under 50 should not be matched on. */
  pdq_quality?: number;
  /** The 8 PDQ variants in DIHEDRAL_VARIANTS order, present with `--dihedral`. */
  pdq_dihedral?: string[];
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

/** `vigie hash` output for a video. */
export interface VideoHashRecord {
  path: string;
  media: 'video';
  bytes: number;
  width: number;
  height: number;
  duration: number;
  fps: number;
  codec: string;
  /** Cryptographic hashes of the file itself. */
  hashes: Hashes;
  frames: VideoFrameHash[];
  warnings?: string[];
}

/** A file that is neither an image nor a video: only its cryptographic hashes. */
export interface OtherHashRecord {
  path: string;
  media: 'other';
  bytes: number;
  hashes: Hashes;
  warnings?: string[];
}

/** A file that could not be hashed; the batch goes on without it. */
export interface HashErrorRecord {
  path: string;
  error: ErrorInfo;
}

export type HashRecord = ImageHashRecord | VideoHashRecord | OtherHashRecord | HashErrorRecord;

export function isHashError(record: HashRecord): record is HashErrorRecord {
  return 'error' in record;
}
