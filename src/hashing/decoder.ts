/**
 * Facts about the decoding stage (src/hashing/decode.ts) that records, options and `vigie doctor` need without
 * loading the decoder itself (sharp): a command hashing MD5 only never loads it.
 */

/** Bumped whenever decoding changes in a way that changes hashes (see decode.ts); carried in every record's producer. */
export const DECODER_VERSION = 1;

/** 64 megapixels: above this an image is refused as a likely decompression bomb (`--max-pixels` changes it). */
export const DEFAULT_MAX_PIXELS = 64_000_000;

/** The perceptual signals computed from decoded image pixels; any other signal asked for an image needs no decoder. */
export const IMAGE_SIGNALS = ['pdq', 'blockhash', 'blockhash-quick'] as const;
export type ImageSignalName = (typeof IMAGE_SIGNALS)[number];
