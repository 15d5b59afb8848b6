import { hexSignalType } from './signal-type.js';

export const sha256 = hexSignalType({
  name: 'sha256',
  kind: 'cryptographic',
  bits: 256,
  media: ['image', 'video', 'other'],
  defaultThreshold: 0,
});
