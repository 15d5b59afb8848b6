import { createHash } from 'node:crypto';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { hammingDistanceHex } from '../../src/core/hex.js';
import { decodePdqPixels, decodeRgba, readImageInfo } from '../../src/hashing/decode.js';
import { hashImage } from '../../src/hashing/image.js';
import { readCsv, readCsvObjects } from '../helpers/csv.js';
import { sharedPath } from '../helpers/shared.js';

const pdqDir = sharedPath('reference/pdq');

/** SHA-256 of the RGB24 buffer our decoder hands to PDQ, as the manifest records the reference's. */
async function decodedRgbSha256(path: string): Promise<string> {
  const info = await readImageInfo(path);
  // 16-bit and CMYK images have their own conversions: the pixels PDQ gets, not the plain RGBA decode.
  const image = info.sixteenBit || info.cmyk ? await decodePdqPixels(path, info, undefined) : { ...(await decodeRgba(path)), channels: 4 };
  const count = image.width * image.height;
  const rgb = Buffer.alloc(count * 3);
  for (let i = 0; i < count; i++) {
    for (let c = 0; c < 3; c++) rgb[i * 3 + c] = image.data[i * image.channels + (image.channels < 3 ? 0 : c)];
  }
  return createHash('sha256').update(rgb).digest('hex');
}

// Read at collection time (it.each needs the rows); empty when the reference data is absent and the suites skip.
const dir = pdqDir ?? '';
const manifest = new Map(pdqDir ? readCsvObjects(join(dir, 'manifest.csv')).map((row) => [row.filename, row]) : []);
const expected = pdqDir ? readCsv(join(dir, 'expected.csv')) : [];
const dihedral = new Map(pdqDir ? readCsv(join(dir, 'expected-dihedral.csv')).map((row) => [row[9], row]) : []);

describe.skipIf(!pdqDir)('PDQ against Meta reference hashes', () => {
  it.each(expected)('%s (quality %s) %s', async (hash, quality, file) => {
    const path = join(dir, file);
    const row = manifest.get(file);
    expect(row, `manifest row for ${file}`).toBeDefined();
    const result = await hashImage(path, { signals: ['pdq'], dihedral: true });
    const distance = hammingDistanceHex(hash, result.hashes.pdq as string);
    const expectedDihedral = dihedral.get(file)?.slice(0, 8) ?? [];
    const dihedralDistances = expectedDihedral.map((h, i) => hammingDistanceHex(h, result.pdqDihedral?.[i] ?? ''));
    const samePixels = row?.comparison_class === 'exact' || (await decodedRgbSha256(path)) === row?.rgb24_sha256;
    if (samePixels) {
      expect(result.hashes.pdq).toBe(hash);
      expect(result.pdqQuality).toBe(Number(quality));
      expect(result.pdqDihedral).toEqual(expectedDihedral);
    } else {
      expect(distance).toBeLessThanOrEqual(10);
      expect(Math.max(...dihedralDistances)).toBeLessThanOrEqual(10);
    }
  });

  it('decodes 30 of the 32 images to exactly the reference pixels (the manifest says only CMYK and I16 differ)', async () => {
    let same = 0;
    for (const [, , file] of expected) {
      if ((await decodedRgbSha256(join(dir, file))) === manifest.get(file)?.rgb24_sha256) same++;
    }
    expect(same).toBeGreaterThanOrEqual(30);
  });
});

describe.skipIf(!pdqDir)('PDQ fast mode (--pdq-fast)', () => {
  it.each(expected.filter(([, quality]) => Number(quality) >= 80))('within 10 bits of the exact hash: %s (quality %s) %s', async (hash, _quality, file) => {
    const fast = await hashImage(join(dir, file), { signals: ['pdq'], pdqFast: true });
    expect(hammingDistanceHex(hash, fast.hashes.pdq as string)).toBeLessThanOrEqual(10);
  });

  // The reference images are too small for the decoder to shrink them on load; enlarged to camera size, they are not.
  const photoSized = expected
    .filter(([, quality, file]) => Number(quality) >= 80 && /bridge-mods\/(?!square|shrink)/.test(file))
    .map(([, , file]) => file);
  it.each(photoSized)('shrunk on load, within 10 bits of the exact hash: %s enlarged to 4800x3012', async (file) => {
    const enlarged = await sharp(join(dir, file), { ignoreIcc: true }).resize(4800, 3012).jpeg({ quality: 95 }).toBuffer();
    const exact = await hashImage(enlarged, { signals: ['pdq'] });
    const fast = await hashImage(enlarged, { signals: ['pdq'], pdqFast: true });
    expect(hammingDistanceHex(exact.hashes.pdq as string, fast.hashes.pdq as string)).toBeLessThanOrEqual(10);
  });
});
