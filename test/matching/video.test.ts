import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseVpdq } from '../../src/hashing/video/vpdq-format.js';
import { compareVideos } from '../../src/matching/video.js';
import { readCsvObjects } from '../helpers/csv.js';
import { sharedPath } from '../helpers/shared.js';

const reference = sharedPath('reference/vpdq');

const frame = (pdq: string, quality = 100) => ({ pdq, quality });
const ZERO = '0'.repeat(64);
/** A hash at `bits` Hamming distance from ZERO. */
const withBits = (bits: number) => {
  const bytes = Buffer.alloc(32);
  for (let i = 0; i < bits; i++) bytes[i >> 3] |= 1 << (i & 7);
  return bytes.toString('hex');
};

describe('compareVideos', () => {
  it('ptx: distance 31 matches (inclusive), cpp: it does not (strict)', () => {
    expect(compareVideos([frame(ZERO)], [frame(withBits(31))]).queryMatchPercent).toBe(100);
    expect(compareVideos([frame(ZERO)], [frame(withBits(31))], { variant: 'cpp' }).queryMatchPercent).toBe(0);
    expect(compareVideos([frame(ZERO)], [frame(withBits(30))], { variant: 'cpp' }).queryMatchPercent).toBe(100);
    expect(compareVideos([frame(ZERO)], [frame(withBits(32))]).queryMatchPercent).toBe(0);
  });

  it('ptx deduplicates identical hashes before counting, cpp does not', () => {
    const query = [frame(ZERO), frame(ZERO), frame(ZERO), frame(withBits(100))];
    const target = [frame(ZERO)];
    expect(compareVideos(query, target)).toMatchObject({ queryMatchPercent: 50, queryFramesUsed: 2 });
    expect(compareVideos(query, target, { variant: 'cpp' })).toMatchObject({ queryMatchPercent: 75, queryFramesUsed: 4 });
  });

  it('drops frames under the quality threshold, and gives 0/0 when a side has none left', () => {
    expect(compareVideos([frame(ZERO, 49)], [frame(ZERO)])).toEqual({
      queryMatchPercent: 0,
      targetMatchPercent: 0,
      queryFramesUsed: 0,
      targetFramesUsed: 1,
    });
    expect(compareVideos([frame(ZERO, 49)], [frame(ZERO)], { minQuality: 40 }).queryMatchPercent).toBe(100);
  });

  it('takes the distance threshold as an option', () => {
    expect(compareVideos([frame(ZERO)], [frame(withBits(10))], { distance: 9 }).queryMatchPercent).toBe(0);
    expect(compareVideos([frame(ZERO)], [frame(withBits(10))], { distance: 10 }).queryMatchPercent).toBe(100);
  });
});

describe.skipIf(!reference)('compareVideos on the reference vPDQ hashes', () => {
  const dir = reference as string;
  const rows = reference ? readCsvObjects(join(dir, 'expected-match-pairs.csv')) : [];
  const hashes = new Map<string, ReturnType<typeof parseVpdq>>();
  const load = (name: string) => {
    if (!hashes.has(name)) hashes.set(name, parseVpdq(readFileSync(join(dir, 'expected', `${name}.txt`), 'utf8')));
    return hashes.get(name) as ReturnType<typeof parseVpdq>;
  };

  it('reproduces every ordered pair of expected-match-pairs.csv (ptx_* within 0.1 percentage point)', () => {
    expect(rows.length).toBe(9 * 8);
    for (const row of rows) {
      const result = compareVideos(load(row.query), load(row.target));
      const pair = `${row.query} → ${row.target}`;
      expect(Math.abs(result.queryMatchPercent - Number(row.ptx_query_pct)), pair).toBeLessThanOrEqual(0.1);
      expect(Math.abs(result.targetMatchPercent - Number(row.ptx_compared_pct)), pair).toBeLessThanOrEqual(0.1);
      expect(result.queryFramesUsed, pair).toBe(Number(row.ptx_query_frames_used));
      expect(result.targetFramesUsed, pair).toBe(Number(row.ptx_compared_frames_used));
    }
  });

  it('reproduces the C++ tool (cpp_* columns) with variant cpp', () => {
    for (const row of rows) {
      const result = compareVideos(load(row.query), load(row.target), { variant: 'cpp' });
      const pair = `${row.query} → ${row.target}`;
      expect(Math.abs(result.queryMatchPercent - Number(row.cpp_query_pct)), pair).toBeLessThanOrEqual(0.1);
      expect(Math.abs(result.targetMatchPercent - Number(row.cpp_target_pct)), pair).toBeLessThanOrEqual(0.1);
    }
  });
});
