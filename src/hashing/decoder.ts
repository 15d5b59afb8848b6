/**
 * Facts about the decoding stage (src/hashing/decode.ts) that records, options and `vigie doctor` need without
 * loading the decoder itself (sharp): a command hashing MD5 only never loads it.
 */
import { HASH_MAX_PIXELS } from './settings.js';

/** Bumped whenever decoding changes in a way that changes hashes (see decode.ts); carried in every record's producer. */
export const DECODER_VERSION = 1;

/** The image pixel limit's default (the `hash.maxPixels` setting; `--max-pixels` changes it). */
export const DEFAULT_MAX_PIXELS = HASH_MAX_PIXELS.default;

/** The perceptual signals computed from decoded image pixels; any other signal asked for an image needs no decoder. */
export const IMAGE_SIGNALS = ['pdq', 'blockhash', 'blockhash-quick'] as const;
export type ImageSignalName = (typeof IMAGE_SIGNALS)[number];
