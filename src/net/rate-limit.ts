import { systemClock, type Clock } from '../core/clock.js';

/**
 * Spaces requests to each server at least `intervalMs` apart (a token bucket of size one): registries publish
 * per-client limits and block clients that exceed them. Waiters are served in order.
 */
export class RateLimiter {
  private readonly nextSlot = new Map<string, number>();

  constructor(
    private readonly intervalFor: (key: string) => number,
    private readonly clock: Clock = systemClock,
  ) {}

  async wait(key: string): Promise<void> {
    const interval = this.intervalFor(key);
    if (interval <= 0) return;
    const now = this.clock.now();
    const slot = Math.max(now, this.nextSlot.get(key) ?? 0);
    this.nextSlot.set(key, slot + interval);
    if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now));
  }
}
