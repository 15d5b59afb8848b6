import { describe, expect, it } from 'vitest';
import { qualify, type QualifyInput, type QualifyMatch } from '../../src/triage/qualify.js';

const base: QualifyInput = { source: 'public-form', matches: [], sameDomainReports: 0 };
const match = (scheme: string, value: string, distance = 0, set = 'known'): QualifyMatch => ({
  set,
  entry: 'ab'.repeat(32),
  signal: 'pdq',
  distance,
  category: { scheme, value },
  source: 'list',
});

describe('qualify', () => {
  it('auto-qualifies only a match on a category marked illegal, with its list provenance and distance', () => {
    const result = qualify({ ...base, matches: [match('vics-us', '1', 6)] });
    expect(result.status).toBe('auto-qualified');
    expect(result.category).toMatchObject({ scheme: 'vics-us', value: '1', illegal: true });
    expect(result.basis).toEqual({ set: 'known', entry: 'ab'.repeat(32), signal: 'pdq', distance: 6, source: 'list' });
    expect(result.reasons[0]).toMatch(/distance 6/);
  });

  it.each([
    ['threatexchange', 'NEGATIVE_CLASS'],
    ['threatexchange', 'DISPUTED'],
    ['vics-us', '0'],
    ['vics-us', '4'],
  ])('never auto-qualifies %s %s, and shows it as not illegal', (scheme, value) => {
    const result = qualify({ ...base, matches: [match(scheme, value)] });
    expect(result.status).toBe('needs-review');
    expect(result.illegal).toBe(false);
    expect(result.reasons[0]).toMatch(/NOT illegal/);
  });

  it('leaves a category of unknown illegality and a custom scheme to review', () => {
    for (const m of [match('vics-us', '3'), match('custom', 'x'), match('threatexchange', 'POSITIVE_CLASS')]) {
      const result = qualify({ ...base, matches: [m] });
      expect(result.status).toBe('needs-review');
      expect(result.illegal).toBeNull();
    }
  });

  it('leaves disagreeing matches to an analyst even when one is illegal', () => {
    const result = qualify({ ...base, matches: [match('vics-us', '1', 0, 'a'), match('threatexchange', 'NEGATIVE_CLASS', 3, 'b')] });
    expect(result.status).toBe('needs-review');
    expect(result.reasons[0]).toMatch(/disagree/);
  });

  it('takes the nearest illegal match as the basis', () => {
    const result = qualify({ ...base, matches: [match('caid', 'B', 9, 'far'), match('vics-us', '1', 2, 'near')] });
    expect(result.basis?.set).toBe('near');
  });

  it('ranks the review queue by claimed category, source and repeat domain', () => {
    const plain = qualify(base).priority;
    const claimed = qualify({ ...base, categoryClaimed: 'CSAM' }).priority;
    const partner = qualify({ ...base, source: 'inhope:NL' }).priority;
    const repeat = qualify({ ...base, sameDomainReports: 3 }).priority;
    const capped = qualify({ ...base, sameDomainReports: 100 }).priority;
    expect(claimed).toBeGreaterThan(plain);
    expect(partner).toBeGreaterThan(plain);
    expect(repeat).toBeGreaterThan(plain);
    expect(capped - plain).toBe(25);
    expect(qualify({ ...base, matches: [match('threatexchange', 'NEGATIVE_CLASS')] }).priority).toBeLessThan(plain);
  });

  it('reports a failure as failed, never as a suggestion', () => {
    const result = qualify({ ...base, matches: [match('vics-us', '1')], error: { code: 'bad-date', message: 'x' } });
    expect(result.status).toBe('failed');
    expect(result.category).toBeUndefined();
  });
});
