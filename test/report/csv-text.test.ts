import fc from 'fast-check';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { csvText } from '../../src/cli/output.js';

describe("the export's CSV text", () => {
  it('is what csv-stringify writes, for any cells (property)', () => {
    const cell = fc.string({ unit: fc.constantFrom(',', '"', '\r', '\n', ';', "'", '=', ' ', 'a', 'é', '\t', '\u2028') });
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 1, maxLength: 5 }), { maxLength: 6 }), (rows) => {
        expect(csvText(rows)).toBe(stringify(rows));
      }),
      { numRuns: 2000 },
    );
  });

  it('quotes what needs quoting', () => {
    expect(csvText([['a', 'b c', ''], ['x,y', 'say "hi"', 'two\nlines']])).toBe('a,b c,\n"x,y","say ""hi""","two\nlines"\n');
  });
});
