/** src/hashing's public entry: what the CLI, triage and library users may call. */
export { hashFile, hashBytes, DEFAULT_ALGORITHMS, type HashOptions } from './hash-file.js';
export { Hasher, type HasherOptions } from './hasher.js';
export { hashBatch, type BatchOptions } from './batch.js';
export { pdqFromPixels, type PdqResult, type PixelImage } from './pdq.js';
export { blockhashPrecise, blockhashQuick, BLOCKHASH_GRID } from './blockhash.js';
export type { RgbaImage } from './decode.js';
export { hashVideo, type VideoHashOptions, type VideoHashes } from './video/hash-video.js';
export { parseFrameMode, parseFrameSize, type FrameMode, type FrameSize } from './video/frames.js';
export { formatVpdq, parseVpdq, type ParseVpdqOptions } from './video/vpdq-format.js';
export { DECODER_VERSION, DEFAULT_MAX_PIXELS, IMAGE_SIGNALS, type ImageSignalName } from './decoder.js';
export { DEFAULT_MAX_VIDEO_PIXELS, DEFAULT_VIDEO_TIMEOUT_SECONDS } from './video/hash-video.js';
export { VpdqDirectoryWriter } from './video/vpdq-writer.js';
export { checkImageSupport } from './environment.js';
export { checkVideoSupport } from './video/environment.js';
