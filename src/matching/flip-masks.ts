const cache = new Map<number, Int32Array>();

/** Number of ways to flip at most `radius` of `bits` bits: the bucket probes of one chunk. */
export function probeCount(bits: number, radius: number): number {
  let total = 0;
  let ways = 1;
  for (let k = 0; k <= radius && k <= bits; k++) {
    total += ways;
    ways = (ways * (bits - k)) / (k + 1);
  }
  return total;
}

/**
 * Every `bits`-bit mask with at most `radius` bits set, fewest first: XORed with a chunk of the query, they name
 * the buckets within that radius. Computed once per (bits, radius) and shared, so a query never allocates them.
 */
export function flipMasks(bits: number, radius: number): Int32Array {
  const key = bits * 64 + radius;
  let masks = cache.get(key);
  if (!masks) {
    masks = new Int32Array(probeCount(bits, radius));
    let next = 0;
    const choose = (from: number, left: number, mask: number): void => {
      if (left === 0) {
        masks![next++] = mask;
        return;
      }
      for (let bit = from; bit < bits; bit++) choose(bit + 1, left - 1, mask | (1 << bit));
    };
    for (let k = 0; k <= Math.min(radius, bits); k++) choose(0, k, 0);
    cache.set(key, masks);
  }
  return masks;
}
