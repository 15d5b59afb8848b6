import { hexSignalType } from './signal-type.js';

export const md5 = hexSignalType({
  name: 'md5',
  kind: 'cryptographic',
  bits: 128,
  media: ['image', 'video', 'other'],
  defaultThreshold: 0,
});
