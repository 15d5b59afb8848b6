import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { neutraliseFormula, restoreFormula } from '../../src/core/csv-formula.js';

describe('the CSV formula neutraliser', () => {
  it('prefixes cells a spreadsheet would run, and quoted ones that hide a formula', () => {
    for (const cell of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) expect(neutraliseFormula(cell)).toBe(`'${cell}`);
    expect(neutraliseFormula("'=x")).toBe("''=x");
    expect(neutraliseFormula('http://a/=b')).toBe('http://a/=b');
    expect(neutraliseFormula("it's")).toBe("it's");
  });

  it('restores every value exactly (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("'", '=', '+', '-', '@', '\t', 'a', ' ') }), (value) => {
        expect(restoreFormula(neutraliseFormula(value))).toBe(value);
        expect(neutraliseFormula(value)).not.toMatch(/^[=+\-@\t\r]/);
      }),
    );
  });
});
