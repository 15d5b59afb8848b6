import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MatchRecord } from '../../src/core/match.js';
import type { HashRecord } from '../../src/core/records.js';
import { openIndexes } from '../../src/matching/index-file.js';
import { Matcher } from '../../src/matching/matcher.js';
import { memorySet } from './sets.js';

const dir = mkdtempSync(join(tmpdir(), 'vigie-matcher-'));
const cache = join(dir, 'cache');
process.env.XDG_CACHE_HOME = cache;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A PDQ hash with the first `bits` bits flipped from all zeros. */
const pdqAt = (bits: number) => {
  const bytes = new Uint8Array(32);
  for (let bit = 0; bit < bits; bit++) bytes[bit >>> 3] |= 0x80 >>> (bit & 7);
  return Buffer.from(bytes).toString('hex');
};
const image = (hashes: Record<string, string>, extra: object = {}): HashRecord =>
  ({ path: 'x.jpg', media: 'image', bytes: 1, width: 1, height: 1, hashes, pdq_quality: 100, ...extra }) as HashRecord;
const NOW = new Date('2026-12-01T20:00:00.000Z');
const open = (sets: Parameters<typeof Matcher.open>[0], options: Parameters<typeof Matcher.open>[1] = {}) =>
  Matcher.open(sets, { noIndexCache: true, now: () => NOW, ...options });

describe('Matcher', () => {
  it('takes the threshold from the flag, else the set, else the signal default (PDQ 31)', async () => {
    const entries = { pdq: [{ hash: pdqAt(25) }] };
    const query = image({ pdq: pdqAt(0) });
    const byDefault = (await open([memorySet('a', join(dir, 'a'), entries)])).match(query) as MatchRecord;
    expect(byDefault.matches).toMatchObject([{ distance: 25, variant: 'orig' }]);
    const strictSet = memorySet('a', join(dir, 'a'), entries, { pdq: 20 });
    expect(((await open([strictSet])).match(query) as MatchRecord).matches).toEqual([]);
    const flagged = await open([strictSet], { thresholds: { pdq: 25 } });
    expect((flagged.match(query) as MatchRecord).matches).toHaveLength(1);
  });

  it('derives the category from the best categorised match, with provenance, and flags disagreeing sets', async () => {
    const provenance = { file: 'list.csv', line: 7, format: 'csv' };
    const a = memorySet('a', join(dir, 'a'), {
      pdq: [{ hash: pdqAt(4), meta: { category: { scheme: 'vics-us', value: '1', label: 'CAM' }, source: 'ncmec', provenance } }],
    });
    const b = memorySet('b', join(dir, 'b'), {
      pdq: [{ hash: pdqAt(9), meta: { category: { scheme: 'vics-us', value: '2' } } }],
      md5: [{ hash: 'a'.repeat(32) }],
    });
    const record = (await open([a, b])).match(image({ pdq: pdqAt(0), md5: 'A'.repeat(32) })) as MatchRecord;
    expect(record.matches.map((m) => [m.set, m.signal, m.distance, m.category?.value])).toEqual([
      ['b', 'md5', 0, undefined],
      ['a', 'pdq', 4, '1'],
      ['b', 'pdq', 9, '2'],
    ]);
    // Optional fields are absent, not null: no variant for MD5, no category or source in set b.
    expect(record.matches[0]).toEqual({ set: 'b', entry: 'a'.repeat(32), signal: 'md5', distance: 0 });
    expect(record.matches[1].category).toEqual({ scheme: 'vics-us', value: '1', label: 'CAM' });
    expect(record.category).toEqual({
      scheme: 'vics-us',
      value: '1',
      label: 'CAM',
      set: 'a',
      entry: pdqAt(4),
      signal: 'pdq',
      distance: 4,
      provenance,
      text: 'vics-us category 1 (CAM), from set a, distance 4',
    });
    expect(record.categoryConflict).toEqual([
      { set: 'a', scheme: 'vics-us', value: '1', label: 'CAM', distance: 4 },
      { set: 'b', scheme: 'vics-us', value: '2', distance: 9 },
    ]);
    const agreeing = memorySet('c', join(dir, 'c'), { pdq: [{ hash: pdqAt(2), meta: { category: { scheme: 'vics-us', value: '1' } } }] });
    expect(((await open([a, agreeing])).match(image({ pdq: pdqAt(0) })) as MatchRecord).categoryConflict).toBeUndefined();
  });

  it('does not match PDQ under the minimum quality, and says so', async () => {
    const set = memorySet('a', join(dir, 'a'), { pdq: [{ hash: pdqAt(0) }] });
    const low = image({ pdq: pdqAt(0) }, { pdq_quality: 36 });
    const record = (await open([set])).match(low) as MatchRecord;
    expect(record.matches).toEqual([]);
    expect(record.warnings).toEqual(['PDQ quality 36 is under 50: not matched on PDQ']);
    expect(((await open([set], { minPdqQuality: 30 })).match(low) as MatchRecord).matches).toHaveLength(1);
  });

  it('with --dihedral, keeps each entry once with its best variant, and warns when the input has no variants', async () => {
    const set = memorySet('a', join(dir, 'a'), { pdq: [{ hash: pdqAt(40) }] });
    const variants = [pdqAt(0), pdqAt(38), pdqAt(41), pdqAt(39), pdqAt(80), pdqAt(80), pdqAt(80), pdqAt(80)];
    const matcher = await open([set], { dihedral: true });
    const record = matcher.match(image({ pdq: variants[0] }, { pdq_dihedral: variants })) as MatchRecord;
    expect(record.matches).toMatchObject([{ variant: 'rot180', distance: 1 }]);
    const plain = matcher.match(image({ pdq: pdqAt(39) })) as MatchRecord;
    expect(plain.matches).toMatchObject([{ variant: 'orig', distance: 1 }]);
    expect(plain.warnings).toEqual(['no dihedral PDQ hashes in the input: only the original orientation was matched']);
  });

  it('turns bad hashes and inputs it cannot compare into error records', async () => {
    const matcher = await open([memorySet('a', join(dir, 'a'), { pdq: [{ hash: pdqAt(0) }] })]);
    expect(matcher.match(image({ pdq: 'xyz' }))).toMatchObject({ error: { code: 'bad-hash' } });
    expect(matcher.match(image({ md5: 'a'.repeat(32) }))).toMatchObject({ error: { code: 'not-comparable' } });
    expect(matcher.match({ path: 'p', error: { code: 'corrupt-image', message: 'm' } })).toEqual({
      path: 'p',
      error: { code: 'corrupt-image', message: 'm' },
      observedAt: NOW.toISOString(),
      producer: expect.stringMatching(/^vigie \d+\.\d+\.\d+/),
    });
  });

  it('refuses an empty set', async () => {
    await expect(open([memorySet('empty', join(dir, 'e'), { pdq: [] })])).rejects.toMatchObject({ code: 'empty-set' });
  });

  it('matches videos by the share of frames, both ways, through the vPDQ index', async () => {
    const frames = [pdqAt(0), pdqAt(60), pdqAt(120), pdqAt(180)];
    const set = memorySet('v', join(dir, 'v'), {
      vpdq: frames.map((hash, frame) => ({ hash, meta: { video: { id: 'clip.mp4', frame } } })),
    });
    set.videos = [{ id: 'clip.mp4', entry: set.entry('vpdq', 0), frames: frames.map((pdq) => ({ pdq, quality: 100 })) }];
    const video = (pdqs: string[]): HashRecord => ({
      path: 'q.mp4', media: 'video', bytes: 1, width: 1, height: 1, duration: 1, fps: 1, codec: 'h264', hashes: {},
      frames: pdqs.map((pdq, frame) => ({ frame, timestamp: frame, pdq, quality: 100 })),
    });
    const matcher = await open([set]);
    const copy = matcher.match(video([pdqAt(2), pdqAt(62), pdqAt(122), pdqAt(182)])) as MatchRecord;
    expect(copy.matches).toMatchObject([{ signal: 'vpdq', entry: 'clip.mp4', distance: 2, queryPercent: 100, targetPercent: 100 }]);
    const half = matcher.match(video([pdqAt(2), pdqAt(250)])) as MatchRecord;
    expect(half.matches).toEqual([]); // 50 % of the input's frames: under the 80 % rule
    const lenient = await open([set], { videoPercents: { query: 50, target: 0 } });
    expect((lenient.match(video([pdqAt(2), pdqAt(250)])) as MatchRecord).matches).toMatchObject([{ queryPercent: 50, targetPercent: 25 }]);
  });
});

describe('Matcher.matchBatch', () => {
  it('gives the same records from worker threads as on this thread, in input order', async () => {
    const hashes = Array.from({ length: 3000 }, (_, i) => pdqAt((i * 7) % 256));
    const set = memorySet('w', join(dir, 'w'), { pdq: hashes.map((hash, i) => ({ hash, meta: { source: `s${i % 3}` } })) });
    const matcher = await open([set]);
    const records = [0, 5, 31, 100, 200].map((bits) => image({ pdq: pdqAt(bits) }, { path: `q${bits}.jpg` }));
    records.push({ path: 'broken.jpg', error: { code: 'corrupt-image', message: 'm' } });
    const expected = records.map((record) => matcher.match(record));
    expect((expected[0] as MatchRecord).matches.length).toBeGreaterThan(0);
    matcher.useWorkers(2);
    try {
      expect(await matcher.matchBatch(records)).toEqual(expected);
    } finally {
      await matcher.close();
    }
  });
});

describe('index files', () => {
  it('are rebuilt when the set changes', async () => {
    const messages: string[] = [];
    const report = (message: string) => messages.push(message);
    const path = join(dir, 'changing');
    const hashes = Array.from({ length: 2000 }, (_, i) => pdqAt(i % 200));
    const first = memorySet('s', path, { pdq: hashes.map((hash) => ({ hash })) });
    await openIndexes(first, { report });
    await openIndexes(first, { report });
    const changed = { ...memorySet('s', path, { pdq: hashes.slice(1).map((hash) => ({ hash })) }), contentSha256: 'f'.repeat(64) };
    const indexes = await openIndexes(changed, { report });
    // Keyed by the set's digest in the cache directory, never beside the set: a changed set gets its own index.
    expect(messages).toEqual([
      `indexing set "s" (2,000 hashes) into ${join(cache, 'vigie', 'indexes', `${first.contentSha256}.mih`)}`,
      `indexing set "s" (1,999 hashes) into ${join(cache, 'vigie', 'indexes', `${'f'.repeat(64)}.mih`)}`,
    ]);
    expect(existsSync(`${path}.mih`)).toBe(false);
    expect(indexes.get('pdq')?.array.count).toBe(1999);
    expect(indexes.get('pdq')?.kind).toBe('mih');
  });
});
