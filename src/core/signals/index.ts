import { VigieError } from '../errors.js';
import { blockhash } from './blockhash.js';
import { blockhashQuick } from './blockhash-quick.js';
import { md5 } from './md5.js';
import { pdq } from './pdq.js';
import { sha1 } from './sha1.js';
import { sha256 } from './sha256.js';
import { vpdq } from './vpdq.js';
import type { SignalType } from './signal-type.js';

export type { MediaKind, SignalType } from './signal-type.js';
export { PDQ_MIN_QUALITY } from './pdq.js';

/** Every signal type the toolkit knows, by name. Adding an algorithm: a descriptor file and one entry here. */
export const SIGNAL_TYPES = {
  md5,
  sha1,
  sha256,
  pdq,
  blockhash,
  'blockhash-quick': blockhashQuick,
  vpdq,
} as const satisfies Record<string, SignalType>;

export type SignalName = keyof typeof SIGNAL_TYPES;
export const SIGNAL_NAMES = Object.keys(SIGNAL_TYPES) as SignalName[];

export function isSignalName(name: string): name is SignalName {
  return Object.hasOwn(SIGNAL_TYPES, name);
}

export function signalType(name: string): SignalType {
  if (!isSignalName(name)) {
    throw new VigieError('unknown-signal', `unknown signal type "${name}" (known: ${SIGNAL_NAMES.join(', ')})`);
  }
  return SIGNAL_TYPES[name];
}
