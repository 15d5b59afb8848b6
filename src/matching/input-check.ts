import { VigieError } from '../core/errors.js';
import type { MatchRecord } from '../core/match.js';
import type { HashRecord, Hashes, HashErrorRecord } from '../core/records.js';
import { isSignalName, signalType, type SignalName } from '../core/signals/index.js';

/** The PDQ fields of an image record, under either key convention. */
interface ImageFields {
  pdqQuality?: number;
  pdq_quality?: number;
  pdqDihedral?: unknown[];
  pdq_dihedral?: unknown[];
}

/** A hash record, validated and normalised, with what the matcher needs of it and the start of its output. */
export interface CheckedInput {
  output: Pick<MatchRecord, 'path' | 'media' | 'hashes' | 'pdqQuality'>;
  hashes: Hashes;
  pdqQuality?: number;
  dihedral?: string[];
  frames?: { pdq: string; quality: number }[];
  warnings: string[];
}

/**
 * Checks a record from `vigie hash` (or a hand-written `{ "path", "hashes" }`): every hash must be valid hex of its
 * type, and at least one must be of a type the sets hold, else the input could not be checked at all and says so.
 */
export function checkInput(record: Exclude<HashRecord, HashErrorRecord>, setSignals: SignalName[]): CheckedInput {
  const warnings: string[] = [...(record.warnings ?? [])];
  const hashes: Hashes = {};
  if (typeof record.hashes !== 'object' || record.hashes === null) {
    throw new VigieError('bad-record', 'no "hashes" object in the input record');
  }
  for (const [name, value] of Object.entries(record.hashes)) {
    if (!isSignalName(name)) {
      warnings.push(`unknown hash type "${name.slice(0, 40)}" ignored`);
      continue;
    }
    hashes[name] = signalType(name).normalise(String(value));
  }
  // camelCase as vigie hash writes now; snake_case as records written before the key convention carry it.
  const image = 'media' in record && record.media === 'image' ? (record as unknown as ImageFields) : undefined;
  const video = 'media' in record && record.media === 'video' ? record : undefined;
  const dihedralHexes = image?.pdqDihedral ?? image?.pdq_dihedral;
  if (dihedralHexes !== undefined && !Array.isArray(dihedralHexes)) throw new VigieError('bad-hash', 'pdqDihedral is not a list of hashes');
  const dihedral = dihedralHexes?.map((hex) => signalType('pdq').normalise(String(hex)));
  if (dihedral && dihedral.length !== 8) throw new VigieError('bad-hash', `pdqDihedral holds ${dihedral.length} hashes, not 8`);
  const frames = video?.frames?.map((frame) => ({ pdq: signalType('vpdq').normalise(String(frame.pdq)), quality: Number(frame.quality) }));
  const carried = [...(Object.keys(hashes) as SignalName[]), ...(frames && frames.length > 0 ? (['vpdq'] as const) : [])];
  if (!carried.some((signal) => setSignals.includes(signal))) {
    throw new VigieError(
      'not-comparable',
      `none of its hashes (${carried.join(', ') || 'none'}) is of a type the sets hold (${setSignals.join(', ')})`,
    );
  }
  const pdqQuality = image?.pdqQuality ?? image?.pdq_quality;
  return {
    output: {
      path: record.path,
      ...('media' in record && { media: record.media }),
      hashes,
      ...(pdqQuality !== undefined && { pdqQuality }),
    },
    hashes,
    pdqQuality,
    dihedral,
    frames,
    warnings,
  };
}
