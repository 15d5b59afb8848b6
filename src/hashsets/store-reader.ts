import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { basename } from 'node:path';
import { ExitCode, VigieError } from '../core/errors.js';
import type { HashSetEntry, HashSetVideo, LoadedHashSet, SignalArray } from '../core/hashset.js';
import { bytesToHex } from '../core/hex.js';
import { isSignalName, signalType, type SignalName } from '../core/signals/index.js';
import {
  entryFromRecord,
  PRELUDE_BYTES,
  STORE_MAGIC,
  STORE_VERSION,
  TRAILER_BYTES,
  TRAILER_MAGIC,
  type EntryRecord,
  type SectionRef,
  type SignalHeader,
  type StoreHeader,
} from './store-layout.js';

const RECORD_CACHE_LIMIT = 65_536;

/** True when the file starts with the native store's magic (used by format detection). */
export async function isNativeStore(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(STORE_MAGIC.length), 0, STORE_MAGIC.length, 0);
    return bytesRead === STORE_MAGIC.length && buffer.equals(STORE_MAGIC);
  } finally {
    await handle.close();
  }
}

function corrupt(path: string, what: string): VigieError {
  return new VigieError('corrupt-hashset', `${basename(path)}: not a valid hash set store (${what})`);
}

/** Parses and bounds-checks the prelude, trailer and header of a whole store file. */
export function readStoreHeader(path: string, file: Buffer): { version: number; header: StoreHeader; headerOffset: number } {
  if (file.length < PRELUDE_BYTES + TRAILER_BYTES || !file.subarray(0, STORE_MAGIC.length).equals(STORE_MAGIC)) {
    throw corrupt(path, 'no VIGIEHS magic');
  }
  const version = file.readUInt32LE(8);
  if (version > STORE_VERSION) {
    throw new VigieError(
      'unsupported-version',
      `${basename(path)}: store format version ${version} is newer than this vigie reads (${STORE_VERSION}); upgrade vigie`,
    );
  }
  const trailer = file.subarray(file.length - TRAILER_BYTES);
  if (!trailer.subarray(12).equals(TRAILER_MAGIC)) throw corrupt(path, 'truncated: no trailer');
  const headerOffset = Number(trailer.readBigUInt64LE(0));
  const headerLength = trailer.readUInt32LE(8);
  if (headerOffset + headerLength !== file.length - TRAILER_BYTES) throw corrupt(path, 'header out of bounds');
  let header: StoreHeader;
  try {
    header = JSON.parse(file.subarray(headerOffset, headerOffset + headerLength).toString('utf8')) as StoreHeader;
  } catch {
    throw corrupt(path, 'header is not JSON');
  }
  const inBounds = (ref: SectionRef | undefined, expected: number) =>
    ref !== undefined && ref.offset >= PRELUDE_BYTES && ref.length === expected && ref.offset + ref.length <= headerOffset;
  const recordsOk =
    Number.isInteger(header.recordCount) &&
    inBounds(header.records, header.records?.length) &&
    inBounds(header.recordOffsets, (header.recordCount + 1) * 8);
  if (!Array.isArray(header.signals) || !recordsOk) throw corrupt(path, 'header incomplete');
  for (const signal of header.signals) {
    if (!isSignalName(signal.signal) || signalType(signal.signal).bits / 8 !== signal.width) {
      throw corrupt(path, `unknown signal "${String(signal.signal)}"`);
    }
    const { count, width } = signal;
    const ok =
      Number.isInteger(count) &&
      inBounds(signal.hashes, count * width) &&
      inBounds(signal.records, count * 4) &&
      inBounds(signal.lines, count * 4) &&
      inBounds(signal.qualities, count) &&
      (signal.frames === undefined || inBounds(signal.frames, count * 4)) &&
      (signal.timestamps === undefined || inBounds(signal.timestamps, count * 8));
    if (!ok) throw corrupt(path, `${signal.signal} sections out of bounds`);
  }
  return { version, header, headerOffset };
}

/** A typed view of a section in place when it is aligned, else a copy (small files may sit unaligned in a pool). */
function view<T extends Uint32Array | Float64Array>(
  file: Buffer,
  ref: SectionRef,
  Type: { new (buffer: ArrayBufferLike, offset: number, length: number): T; new (length: number): T; BYTES_PER_ELEMENT: number },
): T {
  const start = file.byteOffset + ref.offset;
  const length = ref.length / Type.BYTES_PER_ELEMENT;
  if (start % Type.BYTES_PER_ELEMENT === 0) return new Type(file.buffer, start, length);
  const copy = new Type(length);
  new Uint8Array(copy.buffer).set(file.subarray(ref.offset, ref.offset + ref.length));
  return copy;
}

interface SignalColumns {
  header: SignalHeader;
  array: SignalArray;
  records: Uint32Array;
  lines: Uint32Array;
  frames?: Uint32Array;
  timestamps?: Float64Array;
}

/** True when the store's sections (every byte before its header) hash to the digest its header records. */
export function contentIntact(file: Buffer, header: StoreHeader, headerOffset: number): boolean {
  return createHash('sha256').update(file.subarray(0, headerOffset)).digest('hex') === header.contentSha256;
}

export interface LoadOptions {
  /**
   * Check the sections against the header's digest before use (default true): a flipped bit must not silently lose
   * or change a match. False only for callers that verified the file separately (`--no-verify`).
   */
  verify?: boolean;
}

/**
 * Loads a native store with one read: hash arrays, record indexes, lines and qualities are views into the file's
 * buffer, so loading costs the read and the digest check, nothing per hash. A damaged store is refused (exit 3).
 * Entry metadata is decoded only when `entry()` asks.
 */
export async function loadHashSet(path: string, options: LoadOptions = {}): Promise<LoadedHashSet> {
  if (endianness() !== 'LE') throw new VigieError('unsupported-platform', 'hash set stores need a little-endian CPU', ExitCode.environment);
  let file: Buffer;
  try {
    file = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new VigieError(code === 'ENOENT' ? 'not-found' : 'unreadable', `cannot read hash set ${path}: ${code ?? 'error'}`);
  }
  const { version, header, headerOffset } = readStoreHeader(path, file);
  if (options.verify !== false && !contentIntact(file, header, headerOffset)) {
    throw new VigieError(
      'corrupt-hashset',
      `${basename(path)}: damaged hash set: its content does not match the digest in its header (see "vigie hashset verify"; --no-verify uses it anyway)`,
      ExitCode.input,
    );
  }
  const columns = new Map<SignalName, SignalColumns>();
  const arrays: Partial<Record<SignalName, SignalArray>> = {};
  for (const signal of header.signals) {
    const array: SignalArray = {
      signal: signal.signal,
      count: signal.count,
      width: signal.width,
      hashes: file.subarray(signal.hashes.offset, signal.hashes.offset + signal.hashes.length),
      qualities: file.subarray(signal.qualities.offset, signal.qualities.offset + signal.qualities.length),
    };
    arrays[signal.signal] = array;
    columns.set(signal.signal, {
      header: signal,
      array,
      records: view(file, signal.records, Uint32Array),
      lines: view(file, signal.lines, Uint32Array),
      frames: signal.frames && view(file, signal.frames, Uint32Array),
      timestamps: signal.timestamps && view(file, signal.timestamps, Float64Array),
    });
  }
  const recordOffsets = view(file, header.recordOffsets, Float64Array);
  const recordCache = new Map<number, EntryRecord>();
  /** Record n, decoded on demand; the cache is bounded, since a list may have a record per line. */
  const recordAt = (n: number): EntryRecord => {
    let record = recordCache.get(n);
    if (record) return record;
    if (!(n < header.recordCount)) throw corrupt(path, `record ${n} does not exist`);
    const start = header.records.offset + recordOffsets[n];
    const end = header.records.offset + recordOffsets[n + 1];
    if (!(start <= end && end <= header.records.offset + header.records.length)) throw corrupt(path, `record ${n} out of bounds`);
    try {
      record = JSON.parse(file.toString('utf8', start, end)) as EntryRecord;
    } catch {
      throw corrupt(path, `record ${n} is not JSON`);
    }
    if (recordCache.size >= RECORD_CACHE_LIMIT) recordCache.clear();
    recordCache.set(n, record);
    return record;
  };
  const entry = (signal: SignalName, index: number): HashSetEntry => {
    const column = columns.get(signal);
    if (!column || !Number.isInteger(index) || index < 0 || index >= column.array.count) {
      throw new RangeError(`no ${signal} hash number ${index} in ${basename(path)}`);
    }
    const { width, hashes, qualities } = column.array;
    const record = recordAt(column.records[index]);
    const frame = column.frames && column.timestamps
      ? { frame: column.frames[index], timestamp: column.timestamps[index] }
      : undefined;
    return entryFromRecord(
      bytesToHex(hashes.subarray(index * width, (index + 1) * width)),
      signal,
      record,
      column.lines[index],
      (qualities as Uint8Array)[index],
      frame,
    );
  };
  const loaded: LoadedHashSet = {
    name: header.name,
    path,
    contentSha256: header.contentSha256,
    thresholds: header.thresholds ?? {},
    arrays,
    entry,
    formatVersion: version,
  };
  if (arrays.vpdq) loaded.videos = groupVideos(arrays.vpdq.count, (i) => entry('vpdq', i));
  return loaded;
}

/** vPDQ frames grouped by video, in the order the videos first appear. */
function groupVideos(count: number, entry: (index: number) => HashSetEntry): HashSetVideo[] {
  const videos = new Map<string, HashSetVideo>();
  for (let i = 0; i < count; i++) {
    const frame = entry(i);
    const id = frame.video?.id ?? '';
    let video = videos.get(id);
    if (!video) {
      video = { id, entry: frame, frames: [] };
      videos.set(id, video);
    }
    video.frames.push({ pdq: frame.hash, quality: frame.quality ?? 0 });
  }
  return [...videos.values()];
}

/** Every entry of a loaded set, signal by signal in store order. */
export function* entriesOf(set: LoadedHashSet): Generator<HashSetEntry> {
  for (const array of Object.values(set.arrays)) {
    for (let i = 0; i < array.count; i++) yield set.entry(array.signal, i);
  }
}
