import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatVpdq, parseVpdq } from '../../../src/hashing/video/vpdq-format.js';

const HASH = 'e271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c';

describe('vPDQ text format', () => {
  it('writes frameNumber,quality,hash,timestamp with 3 decimals', () => {
    expect(formatVpdq([{ frame: 7, quality: 99, pdq: HASH, timestamp: 7 / 30 }])).toBe(`7,99,${HASH},0.233\n`);
  });

  it('reads what it writes', () => {
    const frames = [
      { frame: 0, quality: 100, pdq: HASH, timestamp: 0 },
      { frame: 1, quality: 49, pdq: '0'.repeat(64), timestamp: 0.033 },
    ];
    expect(parseVpdq(formatVpdq(frames))).toEqual(frames);
  });

  it('accepts CRLF, blank lines and upper-case hex', () => {
    expect(parseVpdq(`\r\n0,100,${HASH.toUpperCase()},0.000\r\n\r\n`)).toEqual([
      { frame: 0, quality: 100, pdq: HASH, timestamp: 0 },
    ]);
  });

  it('accepts the three-field form when told the frame rate', () => {
    expect(parseVpdq(`30,100,${HASH}\n`, { fps: 30 })).toEqual([{ frame: 30, quality: 100, pdq: HASH, timestamp: 1 }]);
    expect(() => parseVpdq(`30,100,${HASH}\n`)).toThrow(/line 1: expected 4 comma-separated fields, found 3/);
  });

  it('names the first bad line', () => {
    expect(() => parseVpdq(`0,100,${HASH},0.000\n1,101,${HASH},0.033\n`)).toThrow(
      expect.objectContaining({ code: 'bad-vpdq', message: expect.stringMatching(/^vPDQ line 2: quality/) }),
    );
    expect(() => parseVpdq(`x,100,${HASH},0.000`)).toThrow(/line 1: frame number/);
    expect(() => parseVpdq(`0,100,${HASH.slice(1)},0.000`)).toThrow(/line 1: hash/);
    expect(() => parseVpdq(`0,100,${HASH},soon`)).toThrow(/line 1: timestamp/);
  });

  it('never throws anything but a bad-vpdq error on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          parseVpdq(text);
        } catch (error) {
          expect((error as { code?: string }).code).toBe('bad-vpdq');
        }
      }),
    );
  });
});
