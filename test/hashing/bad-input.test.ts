import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { walkFiles } from '../../src/core/files.js';
import { hammingDistanceHex } from '../../src/core/hex.js';
import { pdqFromPixels } from '../../src/hashing/pdq.js';
import { isHashError, type HashRecord, type ImageHashRecord } from '../../src/core/records.js';
import { hashBatch } from '../../src/hashing/batch.js';
import { hashFile } from '../../src/hashing/hash-file.js';
import { claimedSizePng, syntheticPng } from '../helpers/images.js';

const ALL = { algorithms: ['md5', 'sha256', 'pdq', 'blockhash'] as const };
let dir: string;
let goodJpeg: Buffer;
let sourcePng: Buffer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-bad-'));
  const png = await syntheticPng(200, 150);
  sourcePng = png;
  writeFileSync(join(dir, 'grey.png'), await sharp(png).greyscale().toColourspace('b-w').png().toBuffer());
  goodJpeg = await sharp(png).jpeg({ quality: 85 }).toBuffer();
  writeFileSync(join(dir, 'good.jpg'), goodJpeg);
  writeFileSync(join(dir, 'truncated.jpg'), goodJpeg.subarray(0, Math.floor(goodJpeg.length / 2)));
  writeFileSync(join(dir, 'truncated.png'), png.subarray(0, Math.floor(png.length / 2)));
  const webp = await sharp(png).webp().toBuffer();
  writeFileSync(join(dir, 'truncated.webp'), webp.subarray(0, Math.floor(webp.length / 2)));
  const corrupt = Buffer.from(goodJpeg);
  corrupt.fill(0x55, 200, 600);
  writeFileSync(join(dir, 'corrupt.jpg'), corrupt);
  writeFileSync(join(dir, 'empty.png'), Buffer.alloc(0));
  writeFileSync(join(dir, 'fake.jpg'), 'this is a text file pretending to be a JPEG\n');
  writeFileSync(join(dir, 'bomb.png'), claimedSizePng(30000, 30000));
  const frame = (colour: string) =>
    sharp({ create: { width: 16, height: 16, channels: 3, background: colour } }).png().toBuffer();
  writeFileSync(
    join(dir, 'animated.gif'),
    await sharp([await frame('red'), await frame('blue'), await frame('green')], { join: { animated: true } })
      .gif()
      .toBuffer(),
  );
  writeFileSync(join(dir, 'deep.png'), await sharp(png).toColourspace('rgb16').png().toBuffer());
  writeFileSync(join(dir, 'cmyk.jpg'), await sharp(png).toColourspace('cmyk').jpeg().toBuffer());
  writeFileSync(
    join(dir, 'grey-alpha.png'),
    await sharp(png).greyscale().ensureAlpha(0.5).toColourspace('b-w').png().toBuffer(),
  );
  writeFileSync(join(dir, 'tiny.png'), await sharp(png).resize(4, 4).png().toBuffer());
  mkdirSync(join(dir, 'loop'));
  symlinkSync(join(dir, 'loop'), join(dir, 'loop', 'again'));
  execFileSync('mkfifo', [join(dir, 'pipe.png')]);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hash = (name: string, options = {}) => hashFile(join(dir, name), { ...ALL, ...options });

function expectError(record: HashRecord, code: string) {
  expect(isHashError(record) ? record.error.code : `no error: ${JSON.stringify(record)}`).toBe(code);
  if (isHashError(record)) expect(record.error.message.length).toBeGreaterThan(5);
}

describe('bad input gives a clear per-file result', () => {
  it('hashes the good control file', async () => {
    const record = (await hash('good.jpg')) as ImageHashRecord;
    expect(record.media).toBe('image');
    expect(record.pdqQuality).toBeGreaterThan(50);
  });

  it.each(['truncated.jpg', 'truncated.png', 'truncated.webp', 'corrupt.jpg'])('%s → corrupt-image', async (name) => {
    expectError(await hash(name), 'corrupt-image');
  });

  it('a zero-byte file is "other" with a warning, and its digests are those of nothing', async () => {
    const record = await hash('empty.png');
    expect(record).toMatchObject({ media: 'other', bytes: 0, warnings: ['empty file'] });
    expect(!isHashError(record) && record.hashes.md5).toBe('d41d8cd98f00b204e9800998ecf8427e');
  });

  it('a text file named .jpg is "other" and says so', async () => {
    const record = await hash('fake.jpg');
    expect(record).toMatchObject({ media: 'other' });
    expect(!isHashError(record) && record.warnings?.[0]).toMatch(/named like an image/);
  });

  it('a 30000x30000 image is refused before decoding, and the limit is configurable', async () => {
    expectError(await hash('bomb.png'), 'too-large');
    expect(isHashError(await hash('bomb.png', { maxPixels: 10 ** 9 }))).toBe(true);
  });

  it('an animated GIF hashes its first frame and says so', async () => {
    const record = (await hash('animated.gif')) as ImageHashRecord;
    expect(record.media).toBe('image');
    expect(record.warnings?.[0]).toMatch(/3 frames: only the first/);
    const first = (await hashFile(join(dir, 'animated.gif'), { algorithms: ['blockhash'] })) as ImageHashRecord;
    expect(first.hashes.blockhash).toBe(record.hashes.blockhash);
  });

  it('a 16-bit PNG is read with samples clipped to 255, as the reference does', async () => {
    const record = (await hash('deep.png')) as ImageHashRecord;
    // The 8-bit source widened to 16 bits (v·257) and clipped to 255 is black where v = 0 and white elsewhere.
    const { data, info } = await sharp(sourcePng).raw().toBuffer({ resolveWithObject: true });
    const clipped = data.map((v) => (v === 0 ? 0 : 255));
    const expected = pdqFromPixels({ data: clipped, width: info.width, height: info.height, channels: info.channels });
    expect(record.hashes.pdq).toBe(expected.hash);
    expect(record.pdqQuality).toBe(expected.quality);
  });

  it('a CMYK JPEG and a grey+alpha PNG hash (CMYK exactness is checked on the reference CMYK.jpg)', async () => {
    const cmyk = (await hash('cmyk.jpg')) as ImageHashRecord;
    expect(cmyk.pdqQuality).toBeGreaterThan(50);
    const grey = (await hash('grey-alpha.png')) as ImageHashRecord;
    expect(grey.media).toBe('image');
    expect(grey.pdqQuality).toBeGreaterThan(50);
    const greySource = (await hashFile(join(dir, 'grey.png'), ALL)) as ImageHashRecord;
    expect(hammingDistanceHex(grey.hashes.pdq as string, greySource.hashes.pdq as string)).toBe(0);
  });

  it('an image under 5x5 pixels gets the all-zero PDQ hash of quality 0, as the reference', async () => {
    const record = (await hash('tiny.png')) as ImageHashRecord;
    expect(record.pdqQuality).toBe(0);
    expect(record.hashes.pdq).toBe('0'.repeat(64));
  });

  it('an unreadable path, a FIFO and a symlink loop are reported, not hung on', async () => {
    const entries = [];
    for await (const entry of walkFiles([join(dir, 'missing.jpg'), join(dir, 'pipe.png'), join(dir, 'loop')])) {
      entries.push(entry);
    }
    expect(entries.map((entry) => entry.error?.code)).toEqual(['not-found', 'not-a-file', 'symlink-loop']);
    expectError(await hash('pipe.png'), 'not-a-file');
    expectError(await hash('missing.jpg'), 'not-found');
  });

  it('a whole directory of bad files: one record per file, in order, none crashes the batch (2 worker threads)', async () => {
    const entries = [];
    for await (const entry of walkFiles([dir])) entries.push(entry);
    const records = [];
    for await (const record of hashBatch(entries, { ...ALL, jobs: 2 })) records.push(record);
    expect(records.map((record) => record.path)).toEqual(entries.map((entry) => entry.path));
    expect(records.filter(isHashError).length).toBeGreaterThanOrEqual(6);
  });
});

describe('hostile bytes (property)', () => {
  it('any mutation of a JPEG gives a record or a clear error, never a throw', async () => {
    const path = join(dir, 'mutated.jpg');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(goodJpeg.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 40 }),
        fc.nat(goodJpeg.length),
        async (edits, cut) => {
          const bytes = Buffer.from(goodJpeg.subarray(0, Math.max(cut, 3)));
          for (const [offset, value] of edits) if (offset < bytes.length) bytes[offset] = value;
          writeFileSync(path, bytes);
          const record = await hashFile(path, ALL);
          if (isHashError(record)) expect(record.error.code).toMatch(/^[a-z-]+$/);
          else expect(['image', 'other']).toContain(record.media);
        },
      ),
      { numRuns: 60 },
    );
  });
});
