import { basename, extname } from 'node:path';
import type { HashSetEntry } from '../../core/hashset.js';
import { formatVpdqLine, parseVpdqLine } from '../../core/vpdq-line.js';
import { ImportContext } from '../import-context.js';
import { countSkip, type ExportSkips, type HashSetFormat } from './format.js';
import { contentLines } from './text-lines.js';

/** Meta's vPDQ hash file: one video per file, one line per frame; the video's id is the file's base name. */
export const vpdq: HashSetFormat = {
  name: 'vpdq',
  async *read(context: ImportContext) {
    const id = basename(context.file, extname(context.file));
    for await (const { number, text } of contentLines(context)) {
      const line = parseVpdqLine(text);
      if ('reason' in line) {
        context.skip(number, line.reason);
        continue;
      }
      const video: HashSetEntry['video'] = { id, frame: line.frame };
      if (line.timestamp !== undefined) video.timestamp = line.timestamp;
      const entry = context.entry('vpdq', line.pdq, number, { quality: line.quality, video });
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
      const { frame, timestamp } = entry.video;
      yield formatVpdqLine({ frame, quality: entry.quality ?? 0, pdq: entry.hash, timestamp });
    }
  },
};
