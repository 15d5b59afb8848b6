import { describe, expect, it } from 'vitest';
import { isoNow, manualClock, systemClock } from '../../src/core/clock.js';

describe('Clock', () => {
  it('a manual clock stands still until advanced', () => {
    const clock = manualClock('2026-12-01T20:00:00Z');
    expect(isoNow(clock)).toBe('2026-12-01T20:00:00.000Z');
    clock.advance(1500);
    expect(isoNow(clock)).toBe('2026-12-01T20:00:01.500Z');
    clock.set(0);
    expect(isoNow(clock)).toBe('1970-01-01T00:00:00.000Z');
    expect(() => manualClock('not a date')).toThrow(RangeError);
  });

  it('the system clock is the real time, in UTC ISO-8601', () => {
    expect(Math.abs(systemClock.now() - Date.now())).toBeLessThan(1000);
    expect(isoNow()).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });
});
