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
  /** Which PDQ rotation/flip of the input matched (`--dihedral`); null for other signals. */
  variant: DihedralVariant | null;
  category: string | null;
  scheme: string | null;
  source: string | null;
  /** Videos only: share of the input's frames matched in the set's video, and the other way round (0–100). */
  query_percent?: number;
  target_percent?: number;
}

/** The category an input takes from its best categorised match, with where it comes from. */
export interface DerivedCategory {
  scheme: string;
  value: string;
  label?: string;
  set: string;
  entry: string;
  signal: SignalName;
  distance: number;
  provenance?: Provenance;
  /** For a person: "vics-us category 1 (Child Abuse Material (CAM)), from set ncmec, distance 4". */
  text: string;
}

/** `vigie match` output for one input. */
export interface MatchRecord {
  path: string;
  media?: 'image' | 'video' | 'other';
  hashes: Hashes;
  pdq_quality?: number;
  /** Best first. */
  matches: Match[];
  category?: DerivedCategory;
  /** Present when matches from different sets disagree on the category: every distinct one, never resolved. */
  category_conflict?: { set: string; scheme: string; value: string; distance: number }[];
  warnings?: string[];
}

export interface MatchErrorRecord {
  path: string;
  error: ErrorInfo;
}

export type MatchOutput = MatchRecord | MatchErrorRecord;

export function isMatchError(record: MatchOutput): record is MatchErrorRecord {
  return 'error' in record;
}
