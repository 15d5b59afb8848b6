import { hexSignalType } from './signal-type.js';

/**
 * Meta's vPDQ: a video is a bag of per-frame PDQ hashes. One vPDQ "hash" is one frame's PDQ; whole videos match by
 * the share of frames within the threshold (src/matching/, compareVideos).
 */
export const vpdq = hexSignalType({
  name: 'vpdq',
  kind: 'perceptual',
  bits: 256,
  media: ['video'],
  defaultThreshold: 31,
});
