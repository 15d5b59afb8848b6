import { readFileSync } from 'node:fs';

/** Vigie's own version, from package.json (two levels up from both src/core and dist/core). */
export const VIGIE_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** `vigie <version>`: the `tool` of every record this version writes. */
export const TOOL = `vigie ${VIGIE_VERSION}`;

/**
 * What produced a record, so that a stored record can be told apart from one a later version would give: the tool
 * version always, and what else decides the answer (the pixel decoder for hashes, the GeoIP databases for hosting).
 */
export interface Producer {
  /** `vigie 0.1.0`. */
  tool: string;
  /** DECODER_VERSION (src/hashing/decode.ts) for records with perceptual hashes: a change there changes hashes. */
  decoderVersion?: number;
  /** The GeoIP databases asked, with their build dates (UTC), for hosting records. */
  geoip?: { source: string; buildDate: string }[];
}
