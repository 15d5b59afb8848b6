import type { SignalArray } from '../core/hashset.js';

function sameBytes(bytes: Uint8Array, a: number, b: number, width: number): boolean {
  for (let k = 0; k < width; k++) if (bytes[a + k] !== bytes[b + k]) return false;
  return true;
}

/**
 * Every hash of a signal array that equals an earlier one, as [index, index of the first occurrence]. Works on the
 * raw bytes with an open-addressing table of indexes (4 bytes per slot, twice the count), so a 10-million-hash
 * store is checked without making a string per hash.
 */
export function* duplicateIndexes(array: SignalArray): Generator<[number, number]> {
  const { count, width, hashes } = array;
  let size = 2;
  while (size < count * 2) size *= 2;
  const table = new Int32Array(size).fill(-1);
  const mask = size - 1;
  const view = new DataView(hashes.buffer, hashes.byteOffset, hashes.byteLength);
  for (let i = 0; i < count; i++) {
    const start = i * width;
    // Mix the first and last 4 bytes: perceptual hashes of similar images can share a prefix.
    let slot = (Math.imul(view.getUint32(start, true) ^ view.getUint32(start + width - 4, true), 0x9e3779b1) >>> 0) & mask;
    while (true) {
      const other = table[slot];
      if (other === -1) {
        table[slot] = i;
        break;
      }
      if (sameBytes(hashes, other * width, start, width)) {
        yield [i, other];
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
}
