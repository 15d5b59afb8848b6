import { hexSignalType } from './signal-type.js';

/** blockhash.io, 16x16 grid (256 bits), precise method. 10 bits of 256 is the documented match threshold. */
export const blockhash = hexSignalType({
  name: 'blockhash',
  kind: 'perceptual',
  bits: 256,
  media: ['image'],
  defaultThreshold: 10,
});
