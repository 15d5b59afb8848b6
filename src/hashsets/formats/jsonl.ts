import type { HashSetEntry } from '../../core/hashset.js';
import { isSignalName } from '../../core/signals/index.js';
import { ImportContext } from '../import-context.js';
import type { HashSetFormat } from './format.js';
import { contentLines } from './text-lines.js';

type Json = Record<string, unknown>;

const isString = (value: unknown): value is string => typeof value === 'string';
const isQuality = (value: unknown): value is number =>
  Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 100;

/** The metadata fields of an exported entry line, checked one by one; an error names the first bad field. */
function entryFields(object: Json): Partial<HashSetEntry> | string {
  const fields: Partial<HashSetEntry> = {};
  const { category, tags, quality, fileSize, video } = object;
  if (category !== undefined) {
    const c = category as Json;
    if (!c || !isString(c.scheme) || !isString(c.value)) return 'category must be {"scheme","value"}';
    fields.category = { scheme: c.scheme, value: c.value, ...(isString(c.label) ? { label: c.label } : {}) };
  }
  for (const key of ['source', 'firstSeen', 'lastSeen', 'fileName'] as const) {
    if (object[key] === undefined) continue;
    if (!isString(object[key])) return `${key} must be a string`;
    fields[key] = object[key];
  }
  if (tags !== undefined) {
    if (!Array.isArray(tags) || !tags.every(isString)) return 'tags must be an array of strings';
    fields.tags = tags;
  }
  if (quality !== undefined) {
    if (!isQuality(quality)) return 'quality must be a whole number 0–100';
    fields.quality = quality;
  }
  if (fileSize !== undefined) {
    if (!Number.isSafeInteger(fileSize) || (fileSize as number) < 0) return 'fileSize must be a whole number';
    fields.fileSize = fileSize as number;
  }
  if (video !== undefined) {
    const v = video as Json;
    if (!v || !isString(v.id) || !Number.isInteger(v.frame)) return 'video must be {"id","frame"}';
    fields.video = { id: v.id, frame: v.frame as number, ...(typeof v.timestamp === 'number' ? { timestamp: v.timestamp } : {}) };
  }
  if (object.mergedFrom !== undefined) {
    if (!Array.isArray(object.mergedFrom)) return 'mergedFrom must be an array';
    fields.mergedFrom = object.mergedFrom as HashSetEntry['mergedFrom'];
  }
  return fields;
}

/** Entries of one `vigie hash` record: each computed hash, and a video's frames as vPDQ. */
function* hashRecordEntries(record: Json, context: ImportContext, line: number): Generator<HashSetEntry> {
  const fileName = isString(record.path) ? record.path : undefined;
  const fileSize = Number.isSafeInteger(record.bytes) ? (record.bytes as number) : undefined;
  for (const [signal, hash] of Object.entries(record.hashes as Json)) {
    if (!isSignalName(signal) || !isString(hash)) {
      context.skip(line, `unknown hash "${signal.slice(0, 40)}"`);
      continue;
    }
    const quality = signal === 'pdq' && isQuality(record.pdq_quality) ? record.pdq_quality : undefined;
    const entry = context.entry(signal, hash, line, { fileName, fileSize, quality });
    if (entry) yield entry;
  }
  if (!Array.isArray(record.frames)) return;
  for (const frame of record.frames as Json[]) {
    if (!isString(frame?.pdq) || !isQuality(frame.quality) || !Number.isInteger(frame.frame)) {
      context.skip(line, 'bad frame in "frames"');
      continue;
    }
    const video = { id: fileName ?? `line ${line}`, frame: frame.frame as number, timestamp: frame.timestamp as number };
    if (typeof frame.timestamp !== 'number') delete (video as Partial<typeof video>).timestamp;
    const entry = context.entry('vpdq', frame.pdq, line, { fileName, fileSize, quality: frame.quality, video });
    if (entry) yield entry;
  }
}

/**
 * JSON Lines: either `vigie hash` records (`{"path","hashes":{…},"pdq_quality",…}`, one entry per hash) or exported
 * entries (`{"hash","signal",…}`, as `export --to jsonl` writes them).
 */
export const jsonl: HashSetFormat = {
  name: 'jsonl',
  async *read(context: ImportContext) {
    for await (const { number, text } of contentLines(context)) {
      let object: Json;
      try {
        object = JSON.parse(text) as Json;
      } catch {
        context.skip(number, 'not valid JSON');
        continue;
      }
      if (!object || typeof object !== 'object' || Array.isArray(object)) {
        context.skip(number, 'not a JSON object');
      } else if (object.error !== undefined && object.hashes === undefined) {
        context.skip(number, 'a `vigie hash` error record (the file was not hashed)');
      } else if (object.hashes && typeof object.hashes === 'object') {
        yield* hashRecordEntries(object, context, number);
      } else if (isString(object.hash) && isString(object.signal)) {
        if (!isSignalName(object.signal)) {
          context.skip(number, `unknown signal "${object.signal.slice(0, 40)}"`);
          continue;
        }
        const fields = entryFields(object);
        if (typeof fields === 'string') {
          context.skip(number, fields);
          continue;
        }
        const entry = context.entry(object.signal, object.hash, number, fields);
        if (entry) yield entry;
      } else {
        context.skip(number, 'neither a `vigie hash` record nor a hash set entry');
      }
    }
  },
  *write(entries: Iterable<HashSetEntry>) {
    for (const entry of entries) yield `${JSON.stringify(entry)}\n`;
  },
};
