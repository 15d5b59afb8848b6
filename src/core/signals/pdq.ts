import { hexSignalType } from './signal-type.js';

/** Meta's PDQ: 256 bits; python-threatexchange's confident-match threshold is 31 (inclusive). */
export const pdq = hexSignalType({
  name: 'pdq',
  kind: 'perceptual',
  bits: 256,
  media: ['image'],
  defaultThreshold: 31,
});

/** Hashes of lower quality carry too little information to match on (python-threatexchange drops them). */
export const PDQ_MIN_QUALITY = 50;
