import { basename } from 'node:path';
import type { HashRecord, VideoFrameHash } from '../core/records.js';
import type { SignalName } from '../core/signals/index.js';
import type { FormatName } from './formats/index.js';
import { readList } from './import.js';

/**
 * A hash list of any supported format read as match queries: one `{ path: "<file>:<line>", hashes }` record per
 * entry, a vPDQ file as one video, and one error record per line the reader skipped, so nothing is dropped silently
 * and a bad line makes the batch's exit code say so. List entries carry no image data: their PDQ quality, when the
 * list gives one, is kept; otherwise the quality gate does not apply.
 */
export async function* readListAsHashRecords(
  path: string,
  options: { format?: FormatName; type?: SignalName } = {},
): AsyncGenerator<HashRecord> {
  const { context, entries } = await readList(path, options);
  const name = basename(path);
  const frames: VideoFrameHash[] = [];
  for await (const entry of entries) {
    if (entry.signal === 'vpdq') {
      const { frame = frames.length, timestamp = 0 } = entry.video ?? {};
      frames.push({ frame, timestamp, pdq: entry.hash, quality: entry.quality ?? 100 });
      continue;
    }
    const where = `${name}:${entry.provenance?.line ?? '?'}`;
    const hashes = { [entry.signal]: entry.hash };
    yield entry.signal === 'pdq' && entry.quality !== undefined
      ? { path: where, media: 'image', bytes: entry.fileSize ?? 0, width: 0, height: 0, hashes, pdq_quality: entry.quality }
      : { path: where, media: 'other', bytes: entry.fileSize ?? 0, hashes };
  }
  if (frames.length > 0) {
    const duration = Math.max(...frames.map((frame) => frame.timestamp));
    yield { path: name, media: 'video', bytes: 0, width: 0, height: 0, duration, fps: 0, codec: '', hashes: {}, frames };
  }
  for (const skipped of context.skipped) {
    yield { path: `${name}:${skipped.line}`, error: { code: 'bad-list-line', message: skipped.reason } };
  }
  const untold = context.skippedCount - context.skipped.length;
  if (untold > 0) yield { path: name, error: { code: 'bad-list-line', message: `${untold} more lines skipped` } };
}
