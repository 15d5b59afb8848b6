import type { HashSetEntry, LoadedHashSet, SignalArray } from '../../src/core/hashset.js';
import { bytesToHex, hexToBytes } from '../../src/core/hex.js';
import type { SignalName } from '../../src/core/signals/index.js';

/** An in-memory hash set, as loadHashSet would give it, from hex hashes and optional metadata per entry. */
export function memorySet(
  name: string,
  path: string,
  entries: Partial<Record<SignalName, { hash: string; meta?: Partial<HashSetEntry> }[]>>,
  thresholds: LoadedHashSet['thresholds'] = {},
): LoadedHashSet {
  const arrays: LoadedHashSet['arrays'] = {};
  for (const [signal, list] of Object.entries(entries) as [SignalName, { hash: string }[]][]) {
    arrays[signal] = arrayOf(signal, list.map((entry) => entry.hash));
  }
  return {
    name,
    path,
    contentSha256: bytesToHex(hexToBytes(JSON.stringify(entries).length.toString(16).padStart(64, '0'))),
    thresholds,
    arrays,
    entry: (signal, index) => {
      const item = entries[signal]?.[index];
      if (!item) throw new RangeError(`no ${signal} ${index}`);
      return { hash: item.hash, signal, ...item.meta };
    },
  };
}

export function arrayOf(signal: SignalName, hashes: string[]): SignalArray {
  const width = hashes.length > 0 ? hashes[0].length / 2 : 32;
  const bytes = new Uint8Array(hashes.length * width);
  hashes.forEach((hash, i) => bytes.set(hexToBytes(hash), i * width));
  return { signal, count: hashes.length, width, hashes: bytes };
}
