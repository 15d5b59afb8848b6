import { basename, extname } from 'node:path';
import type { HashSetEntry } from '../../core/hashset.js';
import { ImportContext } from '../import-context.js';
import { countSkip, type ExportSkips, type HashSetFormat } from './format.js';
import { contentLines } from './text-lines.js';

/** A frame line of Meta's vPDQ files: `frameNumber,quality,pdqHex[,timestampSeconds]`. */
export const VPDQ_LINE = /^(\d+),(\d+),([0-9a-fA-F]+)(?:,(\d+(?:\.\d+)?))?$/;

/** Meta's vPDQ hash file: one video per file, one line per frame; the video's id is the file's base name. */
export const vpdq: HashSetFormat = {
  name: 'vpdq',
  async *read(context: ImportContext) {
    const id = basename(context.file, extname(context.file));
    for await (const { number, text } of contentLines(context)) {
      const match = VPDQ_LINE.exec(text);
      if (!match) {
        context.skip(number, 'not a vPDQ frame line (frameNumber,quality,pdqHex,timestamp)');
        continue;
      }
      const quality = Number(match[2]);
      if (quality > 100) {
        context.skip(number, `quality ${quality} is over 100`);
        continue;
      }
      const video: HashSetEntry['video'] = { id, frame: Number(match[1]) };
      if (match[4] !== undefined) video.timestamp = Number(match[4]);
      const entry = context.entry('vpdq', match[3], number, { quality, video });
      if (entry) yield entry;
    }
  },
  *write(entries: Iterable<HashSetEntry>, skips: ExportSkips) {
    let video: string | undefined;
    for (const entry of entries) {
      if (entry.signal !== 'vpdq' || !entry.video) {
        countSkip(skips, 'not a vPDQ frame');
        continue;
      }
      video ??= entry.video.id;
      if (entry.video.id !== video) {
        countSkip(skips, `not video ${video} (a vPDQ file holds one video)`);
        continue;
      }
      const timestamp = entry.video.timestamp === undefined ? '' : `,${entry.video.timestamp.toFixed(3)}`;
      yield `${entry.video.frame},${entry.quality ?? 0},${entry.hash}${timestamp}\n`;
    }
  },
};
