import { createHash } from 'node:crypto';
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { once } from 'node:events';
import { basename, dirname, join } from 'node:path';
import { createAtomicWriteStream, trackTemporary } from '../core/atomic.js';
import { isoNow, type Clock } from '../core/clock.js';
import { VigieError } from '../core/errors.js';
import type { HashSetEntry } from '../core/hashset.js';
import { SIGNAL_NAMES, signalType, type SignalName } from '../core/signals/index.js';
import {
  entryRecord,
  NO_QUALITY,
  PRELUDE_BYTES,
  SECTION_ALIGNMENT,
  STORE_MAGIC,
  STORE_VERSION,
  TRAILER_MAGIC,
  type SectionRef,
  type SignalHeader,
  type StoreHeader,
} from './store-layout.js';

const SPILL_BUFFER_BYTES = 1 << 20;

/** An append-only temporary file with a write buffer: sections grow here while a list streams in. */
class Spill {
  private readonly fd: number;
  private readonly buffer = Buffer.allocUnsafe(SPILL_BUFFER_BYTES);
  private position = 0;
  private closed = false;
  bytes = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'wx', 0o600);
  }

  reserve(length: number): number {
    if (this.position + length > this.buffer.length) this.flush();
    const at = this.position;
    this.position += length;
    this.bytes += length;
    return at;
  }

  putHex(hex: string, width: number): void {
    const at = this.reserve(width);
    if (this.buffer.write(hex, at, width, 'hex') !== width) throw new VigieError('bad-hash', `bad hex in a ${width}-byte hash`);
  }

  putBytes(bytes: Buffer): void {
    if (bytes.length > this.buffer.length) {
      this.flush();
      for (let written = 0; written < bytes.length; ) written += writeSync(this.fd, bytes, written);
      this.bytes += bytes.length;
      return;
    }
    bytes.copy(this.buffer, this.reserve(bytes.length));
  }

  putU32(value: number): void {
    this.buffer.writeUInt32LE(value, this.reserve(4));
  }

  putU8(value: number): void {
    this.buffer[this.reserve(1)] = value;
  }

  putF64(value: number): void {
    this.buffer.writeDoubleLE(value, this.reserve(8));
  }

  flush(): void {
    let written = 0;
    while (written < this.position) written += writeSync(this.fd, this.buffer, written, this.position - written);
    this.position = 0;
  }

  /** Idempotent, so that cleanup after a failure can close every spill whatever state it is in. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
    }
  }
}

interface SignalSpills {
  signal: SignalName;
  width: number;
  count: number;
  hashes: Spill;
  records: Spill;
  lines: Spill;
  qualities: Spill;
  frames?: Spill;
  timestamps?: Spill;
}

export interface StoreWriterOptions {
  name: string;
  thresholds?: Partial<Record<SignalName, number>>;
  /** Where the header's `created` comes from (tests fix it). Default: the system clock. */
  clock?: Clock;
}

export interface StoreSummary {
  path: string;
  contentSha256: string;
  counts: Partial<Record<SignalName, number>>;
  bytes: number;
}

const MAX_U32 = 0xffffffff;
/** Distinct records remembered for reuse while writing; beyond this the memory is cleared and starts again. */
const RECORD_INDEX_LIMIT = 100_000;

/**
 * Writes a native store (hashsets/FORMAT.md) from entries added one at a time. Sections are spilled to temporary
 * files beside the target as entries arrive, so memory stays bounded by the number of distinct entry records, not
 * by the number of hashes; `close()` assembles them into the target atomically, mode 0600.
 */
export class StoreWriter {
  private readonly spillDir: string;
  /** Forgets the spill directory in the exit cleanup of src/core/atomic.ts once it is deleted. */
  private readonly releaseSpillDir: () => void;
  private readonly signals = new Map<SignalName, SignalSpills>();
  private readonly recordIndex = new Map<string, number>();
  private readonly recordTexts: Spill;
  private readonly recordOffsets: Spill;
  private recordCount = 0;
  private finished = false;
  private previous: { entry: HashSetEntry; number: number } | undefined;

  constructor(
    readonly target: string,
    private readonly options: StoreWriterOptions,
  ) {
    try {
      this.spillDir = mkdtempSync(join(dirname(target), `.${basename(target)}.spill-`));
      this.releaseSpillDir = trackTemporary(this.spillDir);
    } catch (error) {
      throw new VigieError('unwritable', `cannot write ${target}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    this.recordTexts = new Spill(join(this.spillDir, 'records'));
    this.recordOffsets = new Spill(join(this.spillDir, 'record-offsets'));
    this.recordOffsets.putF64(0);
  }

  /** Adds one entry; its hash must already be normalised (lowercase hex of the signal's width). */
  add(entry: HashSetEntry): void {
    const spills = this.spillsFor(entry.signal);
    if (spills.count === MAX_U32) throw new VigieError('too-many-hashes', `more than ${MAX_U32} ${entry.signal} hashes`);
    if (entry.hash.length !== spills.width * 2) {
      throw new VigieError('bad-hash', `not a ${entry.signal} hash (${spills.width * 2} hex digits expected)`);
    }
    const { quality } = entry;
    if (quality !== undefined && !(Number.isInteger(quality) && quality >= 0 && quality <= 100)) {
      throw new VigieError('bad-quality', `quality must be a whole number 0–100, not ${quality}`);
    }
    spills.hashes.putHex(entry.hash, spills.width);
    spills.records.putU32(this.recordNumber(entry));
    spills.lines.putU32(entry.provenance?.line ?? 0);
    spills.qualities.putU8(entry.quality ?? NO_QUALITY);
    if (spills.frames && spills.timestamps) {
      spills.frames.putU32(entry.video?.frame ?? 0);
      spills.timestamps.putF64(entry.video?.timestamp ?? Number.NaN);
    }
    spills.count++;
  }

  async close(): Promise<StoreSummary> {
    this.finished = true;
    const output = createAtomicWriteStream(this.target, { mode: 0o600 });
    try {
      const digest = createHash('sha256');
      let offset = 0;
      let digesting = true;
      const put = async (chunk: Buffer) => {
        if (digesting) digest.update(chunk);
        offset += chunk.length;
        if (!output.stream.write(chunk)) await once(output.stream, 'drain');
      };
      const align = async () => {
        const padding = (SECTION_ALIGNMENT - (offset % SECTION_ALIGNMENT)) % SECTION_ALIGNMENT;
        if (padding > 0) await put(Buffer.alloc(padding));
      };
      const copySpill = async (spill: Spill): Promise<SectionRef> => {
        spill.close();
        await align();
        const start = offset;
        for await (const chunk of createReadStream(spill.path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
          await put(chunk);
        }
        return { offset: start, length: offset - start };
      };

      const prelude = Buffer.alloc(PRELUDE_BYTES);
      STORE_MAGIC.copy(prelude, 0);
      prelude.writeUInt32LE(STORE_VERSION, 8);
      await put(prelude);
      const signals: SignalHeader[] = [];
      const counts: Partial<Record<SignalName, number>> = {};
      for (const name of SIGNAL_NAMES) {
        const spills = this.signals.get(name);
        if (!spills) continue;
        counts[name] = spills.count;
        const header: SignalHeader = {
          signal: name,
          count: spills.count,
          width: spills.width,
          hashes: await copySpill(spills.hashes),
          records: await copySpill(spills.records),
          lines: await copySpill(spills.lines),
          qualities: await copySpill(spills.qualities),
        };
        if (spills.frames && spills.timestamps) {
          header.frames = await copySpill(spills.frames);
          header.timestamps = await copySpill(spills.timestamps);
        }
        signals.push(header);
      }
      const records = await copySpill(this.recordTexts);
      const recordOffsets = await copySpill(this.recordOffsets);
      await align();

      const contentSha256 = digest.digest('hex');
      digesting = false;
      const header: StoreHeader = {
        name: this.options.name,
        created: isoNow(this.options.clock),
        contentSha256,
        thresholds: this.options.thresholds ?? {},
        signals,
        recordCount: this.recordCount,
        records,
        recordOffsets,
      };
      const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
      const trailer = Buffer.alloc(16);
      trailer.writeBigUInt64LE(BigInt(offset), 0);
      trailer.writeUInt32LE(headerBytes.length, 8);
      TRAILER_MAGIC.copy(trailer, 12);
      const headerOffset = offset;
      await put(headerBytes);
      await put(trailer);
      await output.commit();
      return { path: this.target, contentSha256, counts, bytes: headerOffset + headerBytes.length + trailer.length };
    } catch (error) {
      await output.abort();
      throw error;
    } finally {
      this.removeSpills();
    }
  }

  /** Drops everything written so far; the target is left as it was. */
  abort(): void {
    this.finished = true;
    this.removeSpills();
  }

  private removeSpills(): void {
    const all = [...this.signals.values()].flatMap((s) => [s.hashes, s.records, s.lines, s.qualities, s.frames, s.timestamps]);
    for (const spill of [this.recordTexts, this.recordOffsets, ...all]) {
      try {
        spill?.close();
      } catch {
        // a failed flush while giving up: the spill is deleted anyway
      }
    }
    rmSync(this.spillDir, { recursive: true, force: true });
    this.releaseSpillDir();
  }

  private spillsFor(signal: SignalName): SignalSpills {
    if (this.finished) throw new Error('StoreWriter used after close()');
    let spills = this.signals.get(signal);
    if (!spills) {
      const spill = (section: string) => new Spill(join(this.spillDir, `${signal}.${section}`));
      spills = {
        signal,
        width: signalType(signal).bits / 8,
        count: 0,
        hashes: spill('hashes'),
        records: spill('records'),
        lines: spill('lines'),
        qualities: spill('qualities'),
      };
      if (signal === 'vpdq') {
        spills.frames = spill('frames');
        spills.timestamps = spill('timestamps');
      }
      this.signals.set(signal, spills);
    }
    return spills;
  }

  private recordNumber(entry: HashSetEntry): number {
    // Consecutive entries of a list usually share everything but the hash: skip serialising them.
    if (this.previous && sameRecord(this.previous.entry, entry)) return this.previous.number;
    const key = JSON.stringify(entryRecord(entry));
    let number = this.recordIndex.get(key);
    if (number === undefined) {
      number = this.recordCount++;
      const bytes = Buffer.from(key, 'utf8');
      this.recordTexts.putBytes(bytes);
      this.recordOffsets.putF64(this.recordTexts.bytes);
      // Bounded: a list whose every line has its own metadata (file names) must not grow this map without end.
      if (this.recordIndex.size >= RECORD_INDEX_LIMIT) this.recordIndex.clear();
      this.recordIndex.set(key, number);
    }
    this.previous = { entry, number };
    return number;
  }
}

const sameList = (a: unknown[] | undefined, b: unknown[] | undefined) =>
  a === b || (a !== undefined && b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]));

/** True when two entries have equal shared records (entryRecord), compared field by field without serialising. */
function sameRecord(a: HashSetEntry, b: HashSetEntry): boolean {
  return (
    (a.category === b.category ||
      (a.category?.scheme === b.category?.scheme && a.category?.value === b.category?.value && a.category?.label === b.category?.label)) &&
    a.source === b.source &&
    a.firstSeen === b.firstSeen &&
    a.lastSeen === b.lastSeen &&
    sameList(a.tags?.length ? a.tags : undefined, b.tags?.length ? b.tags : undefined) &&
    a.provenance?.file === b.provenance?.file &&
    a.provenance?.format === b.provenance?.format &&
    a.fileSize === b.fileSize &&
    a.fileName === b.fileName &&
    a.video?.id === b.video?.id &&
    !a.mergedFrom?.length &&
    !b.mergedFrom?.length
  );
}

/** Writes a whole collection of entries as a native store. */
export async function writeHashSet(
  target: string,
  entries: Iterable<HashSetEntry> | AsyncIterable<HashSetEntry>,
  options: StoreWriterOptions,
): Promise<StoreSummary> {
  const writer = new StoreWriter(target, options);
  try {
    for await (const entry of entries) writer.add(entry);
  } catch (error) {
    writer.abort();
    throw error;
  }
  return writer.close();
}
