// The one line reader (src/core/lines.ts) that every hash-list format reads through: however a file is chunked and
// encoded, it gives the lines linesOf gives for the same text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { linesOf, readLines } from '../../src/core/lines.js';

async function readAll(bytes: Buffer, cuts: number[], maxLineBytes?: number) {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  async function* chunks() {
    let from = 0;
    for (const point of [...points, bytes.length]) {
      if (point > from) yield bytes.subarray(from, point);
      from = Math.max(from, point);
    }
  }
  const lines = [];
  for await (const line of readLines(chunks(), { maxLineBytes })) lines.push(line);
  return lines;
}

const text = fc.array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.constantFrom('\r\n', '\n', 'é', '😀', '\r')), { maxLength: 40 }).map((parts) => parts.join(''));

describe('readLines', () => {
  it('UTF-8 (with or without BOM), UTF-16 LE and BE: the same lines whatever the chunking', async () => {
    await fc.assert(
      fc.asyncProperty(text, fc.array(fc.nat(), { maxLength: 8 }), fc.constantFrom('utf8', 'bom', 'utf16le', 'utf16be'), async (content, cuts, encoding) => {
        const bytes =
          encoding === 'utf8' ? Buffer.from(content)
          : encoding === 'bom' ? Buffer.from(`\ufeff${content}`)
          : encoding === 'utf16le' ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(content, 'utf16le')])
          : Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(content, 'utf16le').swap16()]);
        const lines = await readAll(bytes, cuts);
        expect(lines.map((line) => line.text)).toEqual(linesOf(content));
        expect(lines.map((line) => line.number)).toEqual(lines.map((_, i) => i + 1));
      }),
      { numRuns: 300 },
    );
  });

  it('a line over the cap is reported with its length, and the lines after it are read', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 11, max: 5000 }), fc.array(fc.nat(), { maxLength: 6 }), async (length, cuts) => {
        const lines = await readAll(Buffer.from(`short\n${'x'.repeat(length)}\nafter\n`), cuts, 10);
        expect(lines).toEqual([{ number: 1, text: 'short' }, { number: 2, text: '', overlong: length }, { number: 3, text: 'after' }]);
      }),
      { numRuns: 100 },
    );
  });
});
