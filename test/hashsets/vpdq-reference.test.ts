import { readdirSync, readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importHashSet } from '../../src/hashsets/import.js';
import { loadHashSet } from '../../src/hashsets/store-reader.js';
import { sharedPath } from '../helpers/shared.js';

const expectedDir = sharedPath('reference/vpdq/expected');
const dir = mkdtempSync(join(tmpdir(), 'vigie-vpdq-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!expectedDir)("Meta's vPDQ sample hash files", () => {
  it('import one video per file, every frame in order, and load back as videos', async () => {
    const files = readdirSync(expectedDir as string)
      .filter((name) => !name.includes('128x128'))
      .sort()
      .map((name) => join(expectedDir as string, name));
    const store = join(dir, 'vpdq.vhs');
    const { files: reports } = await importHashSet(files, store, { strict: true });
    expect(reports.every((report) => report.format === 'vpdq')).toBe(true);
    const set = await loadHashSet(store);
    expect(set.videos?.map((video) => video.id)).toEqual(files.map((path) => path.split('/').pop()?.replace(/\.txt$/, '')));
    files.forEach((path, v) => {
      const video = set.videos?.[v];
      expect(video?.frames).toEqual(lines(path).map(([, quality, pdq]) => ({ pdq, quality: Number(quality) })));
    });
    const last = lines(files[0]).at(-1) as string[];
    const count = lines(files[0]).length;
    expect(set.entry('vpdq', count - 1).video).toEqual({ id: set.videos?.[0].id, frame: Number(last[0]), timestamp: Number(last[3]) });
  });

  it('a `vigie hash` video record becomes one vPDQ video', async () => {
    const record = {
      path: 'clip.mp4',
      media: 'video',
      bytes: 10,
      hashes: { md5: 'a'.repeat(32) },
      frames: [
        { frame: 0, timestamp: 0, pdq: 'b'.repeat(64), quality: 100 },
        { frame: 1, timestamp: 0.5, pdq: 'c'.repeat(64), quality: 30 },
      ],
    };
    const path = join(dir, 'hash.jsonl');
    writeFileSync(path, `${JSON.stringify(record)}\n`);
    await importHashSet([path], join(dir, 'hash.vhs'));
    const set = await loadHashSet(join(dir, 'hash.vhs'));
    expect(set.videos).toEqual([
      expect.objectContaining({ id: 'clip.mp4', frames: [{ pdq: 'b'.repeat(64), quality: 100 }, { pdq: 'c'.repeat(64), quality: 30 }] }),
    ]);
    expect(set.arrays.md5?.count).toBe(1);
  });
});

function lines(path: string): string[][] {
  return readFileSync(path, 'utf8').trim().split('\n').map((line) => line.split(','));
}
