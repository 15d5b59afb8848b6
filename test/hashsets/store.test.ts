import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HashSetEntry } from '../../src/core/hashset.js';
import { entriesOf, loadHashSet } from '../../src/hashsets/store-reader.js';
import { writeHashSet } from '../../src/hashsets/store-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'vigie-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pdqHash = 'f'.repeat(62) + '0a';
const entries: HashSetEntry[] = [
  {
    hash: 'd41d8cd98f00b204e9800998ecf8427e',
    signal: 'md5',
    category: { scheme: 'vics-us', value: '1', label: 'Child Abuse Material (CAM)', illegal: true },
    source: 'own',
    tags: ['a', 'b'],
    provenance: { file: 'list.csv', line: 7, format: 'csv' },
    fileSize: 12,
    fileName: 'é.jpg',
  },
  { hash: pdqHash, signal: 'pdq', quality: 90, provenance: { file: 'list.csv', line: 8, format: 'csv' } },
  { hash: '0'.repeat(64), signal: 'pdq', provenance: { file: 'list.csv', line: 9, format: 'csv' } },
  { hash: '1'.repeat(64), signal: 'vpdq', quality: 100, video: { id: 'clip', frame: 0, timestamp: 0 } },
  { hash: '2'.repeat(64), signal: 'vpdq', quality: 40, video: { id: 'clip', frame: 1, timestamp: 0.033 } },
];

describe('native store', () => {
  it('writes mode 0600 and loads every entry back', async () => {
    const path = join(dir, 'set.vhs');
    const summary = await writeHashSet(path, entries, { name: 'test', thresholds: { pdq: 20 } });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(summary.counts).toEqual({ md5: 1, pdq: 2, vpdq: 2 });
    const set = await loadHashSet(path);
    expect(set.name).toBe('test');
    expect(set.thresholds).toEqual({ pdq: 20 });
    expect(set.contentSha256).toBe(summary.contentSha256);
    expect(set.arrays.pdq?.count).toBe(2);
    expect(set.arrays.pdq?.width).toBe(32);
    expect(Buffer.from(set.arrays.pdq!.hashes.subarray(0, 32)).toString('hex')).toBe(pdqHash);
    const loaded = [...entriesOf(set)];
    const order = (e: HashSetEntry) => `${e.signal}${e.hash}`;
    expect(loaded.sort((a, b) => order(a).localeCompare(order(b)))).toEqual(
      [...entries].sort((a, b) => order(a).localeCompare(order(b))),
    );
    expect(set.videos).toEqual([
      { id: 'clip', entry: entries[3], frames: [{ pdq: '1'.repeat(64), quality: 100 }, { pdq: '2'.repeat(64), quality: 40 }] },
    ]);
  });

  it('refuses truncated and foreign files with a clear error', async () => {
    const path = join(dir, 'set2.vhs');
    await writeHashSet(path, entries, { name: 'test' });
    const truncated = join(dir, 'truncated.vhs');
    writeFileSync(truncated, readFileSync(path).subarray(0, 100));
    await expect(loadHashSet(truncated)).rejects.toThrow(/truncated/);
    const text = join(dir, 'text.vhs');
    writeFileSync(text, 'hello\n');
    await expect(loadHashSet(text)).rejects.toThrow(/not a valid hash set store/);
  });
});

describe('native store with a record per line', () => {
  it('keeps every entry its own metadata past the writer’s record memory', async () => {
    const path = join(dir, 'names.vhs');
    const count = 130_000;
    const entries = function* () {
      for (let i = 0; i < count; i++) {
        yield { hash: i.toString(16).padStart(32, '0'), signal: 'md5', fileName: `f${i % 110_000}` } as HashSetEntry;
      }
    };
    await writeHashSet(path, entries(), { name: 'names' });
    const set = await loadHashSet(path);
    for (const i of [0, 99_999, 100_000, 109_999, 110_000, 129_999]) {
      expect(set.entry('md5', i)).toEqual({ hash: i.toString(16).padStart(32, '0'), signal: 'md5', fileName: `f${i % 110_000}` });
    }
  });
});
