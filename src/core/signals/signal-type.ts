import { VigieError } from '../errors.js';
import { hammingDistanceHex, isHex } from '../hex.js';

export type MediaKind = 'image' | 'video' | 'other';

/**
 * One hashing algorithm as every domain sees it: how its hashes look, how two of them compare, and what counts as a
 * match by default. Computing a hash is the hashing domain's job (src/hashing); this descriptor is what hash sets,
 * matching and notices need, so it lives in core and has no dependencies.
 */
export interface SignalType {
  readonly name: string;
  /** Cryptographic hashes match only when equal; perceptual ones by Hamming distance. */
  readonly kind: 'cryptographic' | 'perceptual';
  readonly bits: number;
  /** Media a hash of this type can be computed from. */
  readonly media: readonly MediaKind[];
  /** Default inclusive match threshold in bits (0 for cryptographic hashes). */
  readonly defaultThreshold: number;
  /** Lowercase, trimmed hex; throws a VigieError with code `bad-hash` when the text is not a hash of this type. */
  normalise(text: string): string;
  isValid(text: string): boolean;
  /** Bits that differ; cryptographic types return 0 for equal hashes and `Infinity` otherwise. */
  distance(a: string, b: string): number;
}

interface HexSignalDefinition {
  name: string;
  kind: 'cryptographic' | 'perceptual';
  bits: number;
  media: readonly MediaKind[];
  defaultThreshold: number;
}

/** Builds the descriptor of a signal whose hashes are fixed-length hex strings, which is all of ours. */
export function hexSignalType(definition: HexSignalDefinition): SignalType {
  const digits = definition.bits / 4;
  const isValid = (text: string) => isHex(text.trim().toLowerCase(), digits);
  return {
    ...definition,
    isValid,
    normalise(text) {
      const hex = text.trim().toLowerCase();
      if (!isHex(hex, digits)) {
        const shown = hex.length > 80 ? `${hex.slice(0, 80)}…` : hex;
        throw new VigieError('bad-hash', `not a ${definition.name} hash (${digits} hex digits expected): "${shown}"`);
      }
      return hex;
    },
    distance:
      definition.kind === 'cryptographic'
        ? (a, b) => (a === b ? 0 : Number.POSITIVE_INFINITY)
        : (a, b) => hammingDistanceHex(a, b),
  };
}
