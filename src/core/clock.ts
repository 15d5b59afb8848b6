/**
 * Where "now" comes from. Records carry the time they were observed; code that stamps or compares times takes a
 * Clock (default systemClock) so that tests of re-checks, expiries and delays can fix time instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since the epoch, as Date.now(). */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** The clock's time as UTC ISO-8601 (`2026-12-01T20:15:00.000Z`), the form every record uses. */
export function isoNow(clock: Clock = systemClock): string {
  return new Date(clock.now()).toISOString();
}

/** An ISO-8601 time to the second (`2026-12-01T20:15:00Z`), the form notices carry; other text is returned as it is. */
export function toSeconds(iso: string): string {
  return iso.replace(/\.\d{3}Z$/, 'Z');
}

/** A clock that stands still at `start` (a Date, ISO string or epoch ms) until advanced: for tests. */
export function manualClock(start: Date | string | number): Clock & { advance(ms: number): void; set(time: Date | string | number): void } {
  let time = new Date(start).getTime();
  if (Number.isNaN(time)) throw new RangeError(`not a time: ${String(start)}`);
  return {
    now: () => time,
    advance(ms) {
      time += ms;
    },
    set(next) {
      time = new Date(next).getTime();
    },
  };
}
