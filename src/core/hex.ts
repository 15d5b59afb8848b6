const POPCOUNT_8 = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT_8[i] = (i & 1) + POPCOUNT_8[i >> 1];

/** Number of differing bits between two equal-length hex strings. */
export function hammingDistanceHex(a: string, b: string): number {
  if (a.length !== b.length) throw new RangeError(`hash lengths differ (${a.length} and ${b.length} hex digits)`);
  let distance = 0;
  for (let i = 0; i < a.length; i += 6) {
    const x = parseInt(a.slice(i, i + 6), 16) ^ parseInt(b.slice(i, i + 6), 16);
    distance += POPCOUNT_8[x & 0xff] + POPCOUNT_8[(x >>> 8) & 0xff] + POPCOUNT_8[(x >>> 16) & 0xff];
  }
  return distance;
}

/** Number of differing bits between two equal-length byte arrays. */
export function hammingDistanceBytes(a: Uint8Array, b: Uint8Array): number {
  let distance = 0;
  for (let i = 0; i < a.length; i++) distance += POPCOUNT_8[a[i] ^ b[i]];
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
