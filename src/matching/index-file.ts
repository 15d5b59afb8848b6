import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, open } from 'node:fs/promises';
import { endianness } from 'node:os';
import { dirname, join } from 'node:path';
import { createAtomicWriteStream } from '../core/atomic.js';
import { vigieCacheDir } from '../core/cache-dir.js';
import type { LoadedHashSet, SignalArray } from '../core/hashset.js';
import type { SignalName } from '../core/signals/index.js';
import { buildIndex, deserializeIndex } from './build-index.js';
import type { HashIndex, IndexKind } from './hash-index.js';

/**
 * The indexes of one hash set, saved in the user's cache directory (never beside the set, which may sit on
 * read-only evidence media) as `$XDG_CACHE_HOME/vigie/indexes/<contentSha256>.mih`:
 *
 *   "VIGIEIDX" | u32 header length | header (JSON, padded to 8 bytes) | sections (each padded to 8 bytes)
 *
 * The header names the format version, the byte order, the set's contentSha256 (a changed set makes the file stale),
 * the SHA-256 of everything after the header (a damaged file is detected, not trusted: a flipped id would silently
 * lose matches), and each signal's section. The file is read in one go into one aligned buffer that the indexes
 * then use in place.
 */
const MAGIC = 'VIGIEIDX';
export const INDEX_FORMAT_VERSION = 1;
const ALIGN = 8;

interface IndexFileHeader {
  version: number;
  byteOrder: string;
  contentSha256: string;
  bodySha256: string;
  sections: { signal: SignalName; kind: IndexKind; offset: number; length: number }[];
}

export type SetIndexes = Map<SignalName, HashIndex>;

export interface OpenIndexesOptions {
  /** Told (one line) when an index is built or rebuilt, and why. */
  report?: (message: string) => void;
  /** Build in memory only, never read or write the file. */
  noCache?: boolean;
}

/** `$XDG_CACHE_HOME/vigie/indexes`, else `~/.cache/vigie/indexes` (the XDG default). */
export function indexCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(vigieCacheDir(env), 'indexes');
}

/** Keyed by the set's content digest: the same set anywhere shares one index, a changed set gets a new one. */
export function indexPathFor(set: LoadedHashSet): string {
  return join(indexCacheDir(), `${set.contentSha256}.mih`);
}

/** The set's indexes from its index file when that is current and sound; otherwise built, saved and reported. */
export async function openIndexes(set: LoadedHashSet, options: OpenIndexesOptions = {}): Promise<SetIndexes> {
  const arrays = nonEmptyArrays(set);
  const path = indexPathFor(set);
  if (options.noCache) return buildAll(arrays);
  const problem = await readIndexFile(path, set, arrays).then(
    (indexes) => indexes,
    (error: Error) => error,
  );
  if (!(problem instanceof Error)) return problem;
  const count = arrays.reduce((total, array) => total + array.count, 0);
  if ((problem as NodeJS.ErrnoException).code !== 'ENOENT') {
    options.report?.(`index ${path} ${problem.message}: rebuilding it`);
  } else {
    options.report?.(`indexing set "${set.name}" (${count.toLocaleString('en-US')} hashes) into ${path}`);
  }
  const indexes = buildAll(arrays);
  try {
    await writeIndexFile(path, set, indexes);
  } catch (error) {
    options.report?.(`cannot save index ${path} (${(error as Error).message}): using it from memory`);
  }
  return indexes;
}

function nonEmptyArrays(set: LoadedHashSet): SignalArray[] {
  return Object.values(set.arrays).filter((array): array is SignalArray => array !== undefined && array.count > 0);
}

function buildAll(arrays: SignalArray[]): SetIndexes {
  return new Map(arrays.map((array) => [array.signal, buildIndex(array)]));
}

/**
 * Writes the index file from the indexes' own memory, section by section: nothing the size of the indexes is
 * copied (a whole-file buffer doubled the peak of a first match against 10M hashes).
 */
async function writeIndexFile(path: string, set: LoadedHashSet, indexes: SetIndexes): Promise<void> {
  const sections: IndexFileHeader['sections'] = [];
  const bodies: Uint8Array[] = [];
  const digest = createHash('sha256');
  let offset = 0;
  for (const [signal, index] of indexes) {
    const body = index.serialize();
    sections.push({ signal, kind: index.kind, offset, length: body.byteLength });
    bodies.push(body);
    digest.update(body).update(zeros(padded(body.byteLength) - body.byteLength));
    offset = padded(offset + body.byteLength);
  }
  const header: IndexFileHeader = {
    version: INDEX_FORMAT_VERSION,
    byteOrder: endianness(),
    contentSha256: set.contentSha256,
    bodySha256: digest.digest('hex'),
    sections,
  };
  const headerBytes = Buffer.from(JSON.stringify(header));
  const start = Buffer.alloc(padded(MAGIC.length + 4 + headerBytes.length));
  start.write(MAGIC);
  start.writeUInt32LE(headerBytes.length, MAGIC.length);
  headerBytes.copy(start, MAGIC.length + 4);
  // As private as the set: bucket tables give away bits of every hash.
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const output = createAtomicWriteStream(path, { mode: 0o600 });
  try {
    const put = async (chunk: Uint8Array) => {
      if (chunk.byteLength > 0 && !output.stream.write(chunk)) await once(output.stream, 'drain');
    };
    await put(start);
    for (const body of bodies) {
      await put(body);
      await put(zeros(padded(body.byteLength) - body.byteLength));
    }
    await output.commit();
  } catch (error) {
    await output.abort();
    throw error;
  }
}

const zeros = (length: number) => new Uint8Array(length);

async function readIndexFile(path: string, set: LoadedHashSet, arrays: SignalArray[]): Promise<SetIndexes> {
  const file = await readWhole(path);
  const view = new DataView(file.buffer);
  if (file.byteLength < MAGIC.length + 4 || Buffer.from(file.subarray(0, MAGIC.length)).toString() !== MAGIC) {
    throw new Error('is not a Vigie index file');
  }
  const headerLength = view.getUint32(MAGIC.length, true);
  const bodyStart = padded(MAGIC.length + 4 + headerLength);
  if (bodyStart > file.byteLength) throw new Error('is truncated');
  if (file.subarray(MAGIC.length + 4 + headerLength, bodyStart).some((byte) => byte !== 0)) {
    throw new Error('has a damaged header');
  }
  let header: IndexFileHeader;
  try {
    header = JSON.parse(Buffer.from(file.subarray(MAGIC.length + 4, MAGIC.length + 4 + headerLength)).toString());
  } catch {
    throw new Error('has a damaged header');
  }
  if (typeof header !== 'object' || header === null || !Array.isArray(header.sections)) {
    throw new Error('has a damaged header');
  }
  if (header.version !== INDEX_FORMAT_VERSION) throw new Error(`is format ${header.version}, not ${INDEX_FORMAT_VERSION}`);
  if (header.byteOrder !== endianness()) throw new Error(`was written on a ${header.byteOrder} machine`);
  if (header.contentSha256 !== set.contentSha256) throw new Error('is out of date (the set changed)');
  const body = file.subarray(bodyStart);
  if (createHash('sha256').update(body).digest('hex') !== header.bodySha256) throw new Error('is corrupt (checksum)');
  const indexes: SetIndexes = new Map();
  for (const array of arrays) {
    const section = header.sections.find((candidate) => candidate.signal === array.signal);
    if (!section) throw new Error(`has no ${array.signal} index`);
    try {
      const data = body.subarray(section.offset, section.offset + section.length);
      indexes.set(array.signal, deserializeIndex(section.kind, array, data));
    } catch (error) {
      throw new Error(`is corrupt (${(error as Error).message})`, { cause: error });
    }
  }
  return indexes;
}

/**
 * The whole file in one aligned, shared buffer (a Buffer from the pool may start at any offset, and typed views need
 * 4; shared, so that query workers use the indexes in place).
 */
async function readWhole(path: string): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const bytes = new Uint8Array(new SharedArrayBuffer(size));
    let read = 0;
    while (read < size) {
      const { bytesRead } = await handle.read(bytes, read, size - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return bytes.subarray(0, read);
  } finally {
    await handle.close();
  }
}

function padded(offset: number): number {
  return Math.ceil(offset / ALIGN) * ALIGN;
}
