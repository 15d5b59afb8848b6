/** Whole vPDQ files (see src/core/vpdq-line.ts for the line format), as `--vpdq-out` writes them. */
import { VigieError } from '../../core/errors.js';
import { isHex } from '../../core/hex.js';
import { linesOf } from '../../core/lines.js';
import type { VideoFrameHash } from '../../core/records.js';
import { formatVpdqLine, parseVpdqLine } from '../../core/vpdq-line.js';

export function formatVpdq(frames: readonly VideoFrameHash[]): string {
  return frames.map(formatVpdqLine).join('');
}

export interface ParseVpdqOptions {
  /** Some older files have only `frameNumber,quality,pdqHex`; their timestamps are frameNumber / fps. */
  fps?: number;
}

/** Parses a vPDQ file; throws a VigieError (code `bad-vpdq`) naming the first bad line. Blank lines are skipped. */
export function parseVpdq(text: string, options: ParseVpdqOptions = {}): VideoFrameHash[] {
  const frames: VideoFrameHash[] = [];
  const lines = linesOf(text);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const bad = (why: string) => new VigieError('bad-vpdq', `vPDQ line ${i + 1}: ${why}: "${line.slice(0, 100)}"`);
    const parsed = parseVpdqLine(line);
    if ('reason' in parsed) throw bad(parsed.reason);
    const pdq = parsed.pdq.toLowerCase();
    if (!isHex(pdq, 64)) throw bad('hash is not 64 hex digits');
    if (parsed.timestamp === undefined && !options.fps) throw bad('no timestamp (give the frame rate for 3-field files)');
    const timestamp = parsed.timestamp ?? parsed.frame / (options.fps as number);
    frames.push({ frame: parsed.frame, timestamp, pdq, quality: parsed.quality });
  }
  return frames;
}
