import { describe, expect, it } from 'vitest';
import { roundedDiv255 } from '../../src/hashing/decode.js';

describe('Adobe CMYK conversion arithmetic', () => {
  it('roundedDiv255 equals Math.round(a·b / 255) for every pair of 8-bit values', () => {
    let mismatches = 0;
    for (let a = 0; a < 256; a++) {
      for (let b = 0; b < 256; b++) if (roundedDiv255(a * b) !== Math.round((a * b) / 255)) mismatches++;
    }
    expect(mismatches).toBe(0);
  });
});
