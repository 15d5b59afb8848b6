import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic.js';
import { systemClock, type Clock } from '../core/clock.js';
import { familyOf, ipToBigInt } from './ip.js';

/** The answer cache's default place: vigie's cache directory (`$XDG_CACHE_HOME/vigie`, or `~/.cache/vigie`). */
export { vigieCacheDir as defaultCacheDir } from '../core/cache-dir.js';

interface StoredEntry<T> {
  key: string;
  expiresAt: number;
  /** Set for an IP network: any address inside first…last is answered by this entry. */
  range?: { first: string; last: string };
  value: T;
}

interface RangeEntry<T> {
  first: bigint;
  last: bigint;
  entry: StoredEntry<T>;
}

/**
 * Answers of registries kept in memory and (unless `dir` is undefined) on disk as one JSON file per answer under
 * `<dir>/<namespace>/`, written atomically, each with its own expiry. Concurrent identical requests share one
 * in-flight promise, and an IP lookup is answered by any cached network that contains the address, so a batch of
 * 10,000 URLs on 300 networks asks each registry once per network.
 */
export class LookupCache {
  private readonly memory = new Map<string, StoredEntry<unknown>>();
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly ranges = new Map<string, Promise<RangeEntry<unknown>[]>>();

  constructor(
    private readonly dir: string | undefined,
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * The cached value for (namespace, key), or the result of `load()`, stored for `ttlMs(result)` milliseconds (0 =
   * not stored: errors are never cached). `range(result)` makes the entry answer for a whole network.
   */
  async get<T>(
    namespace: string,
    key: string,
    load: () => Promise<T>,
    ttlMs: (value: T) => number,
    range?: (value: T) => { first: string; last: string } | undefined,
  ): Promise<{ value: T; cached: boolean }> {
    const id = `${namespace}\n${key}`;
    const stored = (this.memory.get(id) ?? (await this.readDisk(namespace, key))) as StoredEntry<T> | undefined;
    if (stored && stored.expiresAt > this.clock.now()) return { value: stored.value, cached: true };
    const pending = this.inFlight.get(id) as Promise<T> | undefined;
    if (pending) return { value: await pending, cached: true };
    const loading = load();
    this.inFlight.set(id, loading);
    try {
      const value = await loading;
      const ttl = ttlMs(value);
      if (ttl > 0) await this.store(namespace, { key, expiresAt: this.clock.now() + ttl, range: range?.(value), value });
      return { value, cached: false };
    } finally {
      this.inFlight.delete(id);
    }
  }

  /** The unexpired network entry (the smallest, when several nest) that contains `address`, if any. */
  async findRange<T>(namespace: string, address: string): Promise<T | undefined> {
    const target = rangeValue(address);
    const now = this.clock.now();
    let best: RangeEntry<unknown> | undefined;
    for (const candidate of await this.rangeIndex(namespace)) {
      if (candidate.first <= target && target <= candidate.last && candidate.entry.expiresAt > now) {
        if (!best || candidate.last - candidate.first < best.last - best.first) best = candidate;
      }
    }
    return best?.entry.value as T | undefined;
  }

  private rangeIndex(namespace: string): Promise<RangeEntry<unknown>[]> {
    let index = this.ranges.get(namespace);
    if (!index) {
      index = this.loadRanges(namespace);
      this.ranges.set(namespace, index);
    }
    return index;
  }

  private async loadRanges(namespace: string): Promise<RangeEntry<unknown>[]> {
    const entries: RangeEntry<unknown>[] = [];
    if (!this.dir) return entries;
    let names: string[];
    try {
      names = await readdir(join(this.dir, namespace));
    } catch {
      return entries;
    }
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      const entry = await readEntry(join(this.dir, namespace, name));
      if (entry?.range) entries.push(toRangeEntry(entry));
    }
    return entries;
  }

  private async store(namespace: string, entry: StoredEntry<unknown>): Promise<void> {
    this.memory.set(`${namespace}\n${entry.key}`, entry);
    if (entry.range) (await this.rangeIndex(namespace)).push(toRangeEntry(entry));
    if (!this.dir) return;
    const folder = join(this.dir, namespace);
    await mkdir(folder, { recursive: true });
    await writeFileAtomic(join(folder, fileName(entry.key)), JSON.stringify(entry));
  }

  private async readDisk(namespace: string, key: string): Promise<StoredEntry<unknown> | undefined> {
    if (!this.dir) return undefined;
    const entry = await readEntry(join(this.dir, namespace, fileName(key)));
    if (entry?.key !== key) return undefined;
    this.memory.set(`${namespace}\n${key}`, entry);
    return entry;
  }
}

function toRangeEntry(entry: StoredEntry<unknown>): RangeEntry<unknown> {
  const range = entry.range as { first: string; last: string };
  return { first: rangeValue(range.first), last: rangeValue(range.last), entry };
}

/** IPv6 values are lifted above every IPv4 value, so that no IPv4 address falls inside an IPv6 network. */
function rangeValue(address: string): bigint {
  return familyOf(address) === 6 ? ipToBigInt(address) + (1n << 128n) : ipToBigInt(address);
}

function fileName(key: string): string {
  return `${createHash('sha256').update(key).digest('hex').slice(0, 40)}.json`;
}

/** A missing, half-written or foreign file is a cache miss, never an error. */
async function readEntry(path: string): Promise<StoredEntry<unknown> | undefined> {
  try {
    const entry = JSON.parse(await readFile(path, 'utf8')) as StoredEntry<unknown>;
    return typeof entry?.key === 'string' && typeof entry.expiresAt === 'number' ? entry : undefined;
  } catch {
    return undefined;
  }
}
