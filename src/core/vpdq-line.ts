/**
 * One line of Meta's vPDQ text format: `frameNumber,quality,pdqHex,timestampSeconds`, the timestamp with 3 decimals
 * (e.g. `12,100,e271…055c,0.400`); some older files stop after the hash. Shared by the video hasher (which writes and
 * reads whole files) and hash-set import (which reads lists line by line).
 */
import type { VideoFrameHash } from './records.js';

/** The line's shape; the hash's length and the quality's range are checked by `parseVpdqLine`. */
export const VPDQ_LINE = /^(\d+),(\d+),([0-9a-fA-F]+)(?:,(\d+(?:\.\d+)?))?$/;

export interface VpdqLine {
  frame: number;
  quality: number;
  /** As written (case kept): the caller normalises it with the signal type, which knows the valid lengths. */
  pdq: string;
  /** Absent in the older three-field form. */
  timestamp?: number;
}

/** The parsed line, or why it is not a vPDQ frame line. */
export function parseVpdqLine(line: string): VpdqLine | { reason: string } {
  const match = VPDQ_LINE.exec(line);
  if (!match) return { reason: 'not a vPDQ frame line (frameNumber,quality,pdqHex,timestamp)' };
  const quality = Number(match[2]);
  if (quality > 100) return { reason: `quality ${quality} is over 100` };
  return {
    frame: Number(match[1]),
    quality,
    pdq: match[3],
    ...(match[4] !== undefined && { timestamp: Number(match[4]) }),
  };
}

export function formatVpdqLine(frame: Pick<VideoFrameHash, 'frame' | 'quality' | 'pdq'> & { timestamp?: number }) {
  const timestamp = frame.timestamp === undefined ? '' : `,${frame.timestamp.toFixed(3)}`;
  return `${frame.frame},${frame.quality},${frame.pdq}${timestamp}\n`;
}
