import { hexSignalType } from './signal-type.js';

/** blockhash.io, 16x16 grid, quick method (block sums without fractional pixel weights). */
export const blockhashQuick = hexSignalType({
  name: 'blockhash-quick',
  kind: 'perceptual',
  bits: 256,
  media: ['image'],
  defaultThreshold: 10,
});
