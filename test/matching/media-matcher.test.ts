import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MatchRecord } from '../../src/core/match.js';
import type { MediaHasher } from '../../src/core/media-hasher.js';
import type { HashRecord } from '../../src/core/records.js';
import type { SignalName } from '../../src/core/signals/index.js';
import { MediaMatcher } from '../../src/matching/index.js';
import { memorySet } from './sets.js';

const dir = mkdtempSync(join(tmpdir(), 'vigie-media-matcher-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MD5 = 'd41d8cd98f00b204e9800998ecf8427e';
const PDQ = 'f'.repeat(62) + '0a';

/** A MediaHasher that hashes nothing: it records what it was asked and answers from a table. */
function fakeHasher(table: Record<string, Record<string, string>>) {
  const asked: { paths: string[]; algorithms: SignalName[] }[] = [];
  const hasher: MediaHasher = {
    async *hashFiles(paths, { algorithms }) {
      const list: string[] = [];
      for await (const path of paths) list.push(path);
      asked.push({ paths: list, algorithms });
      for (const path of list) {
        yield table[path]
          ? ({ path, media: 'other', bytes: 1, hashes: table[path] } as HashRecord)
          : { path, error: { code: 'not-found', message: 'no such file' } };
      }
    },
    hashBytes: () => Promise.reject(new Error('unused')),
    close: async () => undefined,
  };
  return { hasher, asked };
}

describe('MediaMatcher', () => {
  const set = memorySet('s', join(dir, 's'), { md5: [{ hash: MD5, meta: { category: { scheme: 'vics-us', value: '1', illegal: true } } }], pdq: [{ hash: PDQ }] });

  it('hashes media through the injected hasher, for the signals the sets hold plus SHA-256', async () => {
    const { hasher, asked } = fakeHasher({ 'a.jpg': { md5: MD5 } });
    const matcher = await MediaMatcher.open([set], { hasher, noIndexCache: true, now: () => new Date(0) });
    const out: unknown[] = [];
    for await (const record of matcher.matchFiles(['a.jpg', 'gone.jpg'])) out.push(record);
    await matcher.close();
    expect(asked).toEqual([{ paths: ['a.jpg', 'gone.jpg'], algorithms: ['sha256', 'md5', 'pdq'] }]);
    const [hit, gone] = out as [MatchRecord, { error: { code: string } }];
    expect(hit.matches).toEqual([{ set: 's', entry: MD5, signal: 'md5', distance: 0, category: { scheme: 'vics-us', value: '1', illegal: true } }]);
    expect(hit).toMatchObject({ observedAt: '1970-01-01T00:00:00.000Z', producer: expect.stringMatching(/^vigie /) });
    expect(gone.error.code).toBe('not-found');
  });

  it('refuses, before hashing, algorithms that nothing in the sets could be compared with', async () => {
    const { hasher, asked } = fakeHasher({});
    const matcher = await MediaMatcher.open([memorySet('m', join(dir, 'm'), { md5: [{ hash: MD5 }] })], { hasher, algorithms: ['sha1'], noIndexCache: true });
    expect(() => matcher.matchFiles(['a.jpg'])).toThrow(/the sets hold md5 hashes, the inputs would carry only sha1/);
    expect(asked).toEqual([]);
  });

  it('matches records without a hasher, and stops starting new ones once aborted', async () => {
    const controller = new AbortController();
    const matcher = await MediaMatcher.open([set], { noIndexCache: true, signal: controller.signal });
    const records = function* () {
      yield { path: 'one', hashes: { md5: MD5 } } as unknown as HashRecord;
      controller.abort();
      yield { path: 'two', hashes: { md5: MD5 } } as unknown as HashRecord;
    };
    const paths: string[] = [];
    for await (const record of matcher.matchRecords(records())) paths.push(record.path);
    expect(paths).toEqual(['one']);
    expect(() => matcher.matchFiles(['x'])).toThrow(/needs a hasher/);
  });
});
