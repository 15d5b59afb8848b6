import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isHashError, type HashRecord, type ImageHashRecord } from '../../src/core/records.js';
import { hashBatch } from '../../src/hashing/batch.js';
import { DECODER_VERSION } from '../../src/hashing/decoder.js';
import { hashFile } from '../../src/hashing/hash-file.js';
import { Hasher } from '../../src/hashing/hasher.js';
import { jsonLines, runVigie } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/shared.js';

const work = mkdtempSync(join(tmpdir(), 'vigie-hasher-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const sample = (name: string) => join(REPO_ROOT, 'samples', name);
const version = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version as string;
/** The first bytes of an MP4: sniffed as a video, undecodable by anything. */
const FAKE_MP4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), Buffer.alloc(64, 1)]);

async function collect(records: AsyncIterable<HashRecord>): Promise<HashRecord[]> {
  const all: HashRecord[] = [];
  for await (const record of records) all.push(record);
  return all;
}

describe('Hasher (MediaHasher) and hashBytes', () => {
  it('hashBytes gives the hashes hashFile gives, labelled with the name, in this thread and in workers', async () => {
    const path = sample('shapes.png');
    const fromFile = (await hashFile(path, { algorithms: ['md5', 'pdq', 'blockhash'] })) as ImageHashRecord;
    for (const jobs of [1, 2]) {
      const hasher = new Hasher({ jobs });
      try {
        const fromBytes = (await hasher.hashBytes(new Uint8Array(readFileSync(path)), { name: 'upload.png', algorithms: ['md5', 'pdq', 'blockhash'] })) as ImageHashRecord;
        expect(fromBytes).toMatchObject({ path: 'upload.png', media: 'image', width: fromFile.width, hashes: fromFile.hashes, pdqQuality: fromFile.pdqQuality });
      } finally {
        await hasher.close();
      }
    }
  });

  it('keeps one worker pool across calls until close()', async () => {
    const hasher = new Hasher({ jobs: 2 });
    const pool = () => (hasher as unknown as { pool?: object }).pool;
    try {
      await collect(hasher.hashFiles([sample('text.png')], { algorithms: ['md5'] }));
      const first = pool();
      expect(first).toBeDefined();
      await collect(hasher.hashFiles([sample('tiles.png')], { algorithms: ['sha1'] }));
      expect(pool()).toBe(first);
    } finally {
      await hasher.close();
    }
    expect(pool()).toBeUndefined();
  });

  it('records carry observedAt (UTC) and their producer: tool version, decoder version for perceptual hashes', async () => {
    const before = Date.now();
    const image = await hashFile(sample('shapes.png'), { algorithms: ['pdq'] });
    const other = await hashFile(sample('notes.txt'), { algorithms: ['md5'] });
    const missing = await hashFile(join(work, 'nope.png'), { algorithms: ['md5'] });
    for (const record of [image, other, missing]) {
      expect(record.observedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Date.parse(record.observedAt as string)).toBeGreaterThanOrEqual(before - 1);
      expect(record.producer?.tool).toBe(`vigie ${version}`);
    }
    expect(image.producer).toEqual({ tool: `vigie ${version}`, decoderVersion: DECODER_VERSION });
    expect(other.producer).toEqual({ tool: `vigie ${version}` });
  });

  it('crypto-only hashing decodes nothing: an image keeps no made-up size, a video needs no ffmpeg', async () => {
    const video = join(work, 'clip.mp4');
    writeFileSync(video, FAKE_MP4);
    const records = await collect(
      hashBatch([{ path: sample('shapes.png') }, { path: video }], { algorithms: ['md5'], ffmpeg: join(work, 'no-ffmpeg'), jobs: 1 }),
    );
    expect(records[0]).toMatchObject({ media: 'image', bytes: 12670 });
    expect(records[0]).not.toHaveProperty('width');
    expect(records[1]).toMatchObject({ media: 'video', bytes: FAKE_MP4.length, hashes: { md5: expect.any(String) } });
    expect(records[1]).not.toHaveProperty('frames');
    // The same video with a perceptual hash asked for does need ffmpeg, which is missing.
    const decoded = await hashFile(video, { algorithms: ['md5', 'pdq'], ffmpeg: join(work, 'no-ffmpeg') });
    expect(isHashError(decoded)).toBe(true);
  });

  it('an aborted signal: no new file starts, and the batch throws instead of ending as if complete', async () => {
    const controller = new AbortController();
    const paths = Array.from({ length: 200 }, () => sample('gradient.png'));
    const seen: HashRecord[] = [];
    const hasher = new Hasher({ jobs: 2 });
    const run = (async () => {
      for await (const record of hasher.hashFiles(paths, { algorithms: ['pdq'], signal: controller.signal })) {
        seen.push(record);
        if (seen.length === 3) controller.abort(new Error('stop'));
      }
    })();
    await expect(run).rejects.toThrow('stop');
    await hasher.close();
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen.length).toBeLessThan(20);
    const already = new AbortController();
    already.abort(new Error('before'));
    expect((await hashFile(sample('text.png'), { algorithms: ['md5'] }, already.signal)) as object).toMatchObject({ error: { message: 'before' } });
  });
});

describe('vigie hash: decoders and empty inputs', () => {
  /** A module hook refusing to load sharp, in the main thread and in the workers (they inherit --import). */
  const NO_SHARP = `data:text/javascript,${encodeURIComponent(
    'import { register } from "node:module"; register("data:text/javascript," + encodeURIComponent(' +
      JSON.stringify('export async function resolve(s, c, n) { if (s === "sharp") throw new Error("sharp was loaded"); return n(s, c); }') +
      '));',
  )}`;

  it('-a md5 on images and a video loads neither sharp nor ffmpeg', async () => {
    const video = join(work, 'movie.mp4');
    writeFileSync(video, FAKE_MP4);
    const result = await runVigie(['hash', '-a', 'md5', '-j', '2', sample('shapes.png'), sample('text.png'), video], {
      env: { NODE_OPTIONS: `--import=${NO_SHARP}`, VIGIE_FFMPEG: join(work, 'no-ffmpeg') },
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(jsonLines(result.stdout).map((r) => r.media)).toEqual(['image', 'image', 'video']);
    // The hook does bite: asking for PDQ under it fails.
    const pdq = await runVigie(['hash', '-a', 'pdq', '-j', '1', sample('shapes.png')], { env: { NODE_OPTIONS: `--import=${NO_SHARP}` } });
    expect(pdq.code).not.toBe(0);
  });

  it('hash emptydir/ says nothing was found, exit 3', async () => {
    const empty = mkdtempSync(join(work, 'empty-'));
    const result = await runVigie(['hash', empty]);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^vigie: no file found under .*empty-.*: nothing was hashed\n$/);
  });
});
