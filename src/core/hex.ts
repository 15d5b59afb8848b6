/** Set bits of a 32-bit word (SWAR): V8 compiles this to a handful of integer ops, far faster than a byte table. */
export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * popcount32(a) + popcount32(b) + popcount32(c) for about the work of two: the three words' 4-bit partial counts
 * (at most 4 each) are summed before the last folding steps, which then run once (12 per nibble still fits).
 */
export function popcountSum3(a: number, b: number, c: number): number {
  a -= (a >>> 1) & 0x55555555;
  b -= (b >>> 1) & 0x55555555;
  c -= (c >>> 1) & 0x55555555;
  let x = (a & 0x33333333) + ((a >>> 2) & 0x33333333);
  x += (b & 0x33333333) + ((b >>> 2) & 0x33333333);
  x += (c & 0x33333333) + ((c >>> 2) & 0x33333333);
  x = (x & 0x0f0f0f0f) + ((x >>> 4) & 0x0f0f0f0f);
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Number of differing bits between two equal-length hex strings. */
export function hammingDistanceHex(a: string, b: string): number {
  if (a.length !== b.length) throw new RangeError(`hash lengths differ (${a.length} and ${b.length} hex digits)`);
  let distance = 0;
  for (let i = 0; i < a.length; i += 6) {
    distance += popcount32(parseInt(a.slice(i, i + 6), 16) ^ parseInt(b.slice(i, i + 6), 16));
  }
  return distance;
}

/** Number of differing bits between two equal-length byte arrays. */
export function hammingDistanceBytes(a: Uint8Array, b: Uint8Array): number {
  let distance = 0;
  for (let i = 0; i < a.length; i++) distance += popcount32(a[i] ^ b[i]);
  return distance;
}

export function hexToBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

export function bytesToHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function isHex(text: string, digits: number): boolean {
  return text.length === digits && /^[0-9a-f]+$/.test(text);
}
