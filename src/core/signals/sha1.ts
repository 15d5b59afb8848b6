import { hexSignalType } from './signal-type.js';

export const sha1 = hexSignalType({
  name: 'sha1',
  kind: 'cryptographic',
  bits: 160,
  media: ['image', 'video', 'other'],
  defaultThreshold: 0,
});
