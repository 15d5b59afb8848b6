import type { Category } from './categories.js';
import type { ErrorInfo } from './errors.js';
import type { Provenance } from './hashset.js';
import type { DihedralVariant, Hashes } from './records.js';
import type { SignalName } from './signals/index.js';

/** One entry of a hash set that an input matched. */
export interface Match {
  /** The set's name. */
  set: string;
  /** The matched entry: its hash (lowercase hex), or for vPDQ the video's id in the set. */
  entry: string;
  signal: SignalName;
  /** Bits that differ (0 for cryptographic hashes); for videos, the nearest frame pair. */
  distance: number;
  /** PDQ only: which rotation/flip of the input matched (`orig` unless `--dihedral` found another). */
  variant?: DihedralVariant;
  /** The entry's category, with its label and illegality from data/categories.json. */
  category?: Category;
  /** The list the entry came from (`ncmec`, `iwf`, …), when known. */
  source?: string;
  /** Videos only: share of the input's frames matched in the set's video, and the other way round (0–100). */
  queryPercent?: number;
  targetPercent?: number;
}

/** The category an input takes from its best categorised match, with where it comes from. */
export interface DerivedCategory extends Category {
  set: string;
  entry: string;
  signal: SignalName;
  distance: number;
  provenance?: Provenance;
  /** For a person: "vics-us category 1 (Child Abuse Material (CAM)), from set ncmec, distance 4". */
  text: string;
}

/** One of the categories that matches from different sets disagree on. */
export interface CategoryConflict extends Category {
  set: string;
  distance: number;
}

/**
 * `vigie match` output for one input. JSON keys are camelCase, as in every Vigie record; optional fields are absent
 * rather than empty.
 */
export interface MatchRecord {
  path: string;
  media?: 'image' | 'video' | 'other';
  hashes: Hashes;
  pdqQuality?: number;
  /** Best first. */
  matches: Match[];
  category?: DerivedCategory;
  /** Present when matches from different sets disagree on the category: every distinct one, never resolved. */
  categoryConflict?: CategoryConflict[];
  warnings?: string[];
  /** When the input was matched (UTC, ISO 8601). */
  observedAt: string;
  /** What matched it: `vigie <version>`. */
  producer: string;
}

export interface MatchErrorRecord {
  path: string;
  error: ErrorInfo;
  observedAt?: string;
  producer?: string;
}

export type MatchOutput = MatchRecord | MatchErrorRecord;

export function isMatchError(record: MatchOutput): record is MatchErrorRecord {
  return 'error' in record;
}
