import type { SignalArray } from '../core/hashset.js';
import { signalType } from '../core/signals/index.js';
import { ExactIndex } from './exact-index.js';
import type { HashIndex, IndexKind } from './hash-index.js';
import { LinearIndex } from './linear-index.js';
import { MihIndex } from './mih-index.js';
import { chooseLayout } from './mih-layout.js';

/**
 * The right index for a signal array: equality for cryptographic hashes; for perceptual ones, multi-index hashing
 * laid out for the signal's default threshold, or a plain scan when the set is too small for MIH to pay.
 */
export function buildIndex(array: SignalArray): HashIndex {
  const type = signalType(array.signal);
  if (type.kind === 'cryptographic') return new ExactIndex(array);
  const layout = chooseLayout(array.width * 8, array.count, type.defaultThreshold);
  return layout ? MihIndex.build(array, layout) : new LinearIndex(array);
}

/**
 * Puts a saved index back over its array; throws RangeError when the data cannot be that index. `checked` skips the
 * bounds check of every id, for data this process built or checked already (worker threads).
 */
export function deserializeIndex(kind: IndexKind, array: SignalArray, data: Uint8Array, checked = false): HashIndex {
  if (kind === 'exact') return ExactIndex.deserialize(array, data);
  if (kind === 'mih') return MihIndex.deserialize(array, data, checked);
  return new LinearIndex(array);
}
