/**
 * Meta's vPDQ text format, one line per hashed frame: `frameNumber,quality,pdqHex,timestampSeconds`, the timestamp
 * with 3 decimals (e.g. `12,100,e271…055c,0.400`). Standalone (no I/O, no ffmpeg) so that hash-set import can use the
 * parser too.
 */
import { VigieError } from '../../core/errors.js';
import { isHex } from '../../core/hex.js';
import type { VideoFrameHash } from '../../core/records.js';

export function formatVpdq(frames: readonly VideoFrameHash[]): string {
  return frames.map((f) => `${f.frame},${f.quality},${f.pdq},${f.timestamp.toFixed(3)}\n`).join('');
}

export interface ParseVpdqOptions {
  /** Some older files have only `frameNumber,quality,pdqHex`; their timestamps are frameNumber / fps. */
  fps?: number;
}

/** Parses a vPDQ file; throws a VigieError (code `bad-vpdq`) naming the first bad line. Blank lines are skipped. */
export function parseVpdq(text: string, options: ParseVpdqOptions = {}): VideoFrameHash[] {
  const frames: VideoFrameHash[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '').trim();
    if (line === '') continue;
    const bad = (why: string) => new VigieError('bad-vpdq', `vPDQ line ${i + 1}: ${why}: "${line.slice(0, 100)}"`);
    const fields = line.split(',');
    if (fields.length !== 4 && !(fields.length === 3 && options.fps)) {
      throw bad(`expected 4 comma-separated fields, found ${fields.length}`);
    }
    const [frameText, qualityText, hashText, timestampText] = fields;
    const frame = Number(frameText);
    const quality = Number(qualityText);
    const pdq = hashText.trim().toLowerCase();
    const timestamp = timestampText === undefined ? frame / (options.fps as number) : Number(timestampText);
    if (!/^\d+$/.test(frameText.trim())) throw bad('frame number is not a whole number');
    if (!/^\d+$/.test(qualityText.trim()) || quality > 100) throw bad('quality is not 0–100');
    if (!isHex(pdq, 64)) throw bad('hash is not 64 hex digits');
    if (!Number.isFinite(timestamp) || timestamp < 0) throw bad('timestamp is not a number of seconds');
    frames.push({ frame, timestamp, pdq, quality });
  }
  return frames;
}
