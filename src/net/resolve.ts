/**
 * The `vigie resolve` pipeline for one URL (clean → DNS → HTTP chain → final addresses) and for a batch (bounded
 * concurrency, per-host limits, a DNS cache shared by the batch so that one host is asked once).
 */
import { isoNow, type Clock } from '../core/clock.js';
import { KeyedLimiter, mapOrdered } from '../core/concurrency.js';
import { describeError } from '../core/errors.js';
import { TOOL } from '../core/producer.js';
import type { DnsRecords, ResolutionRecord, ResolvedAddress } from '../core/resolution.js';
import { classifyAddress } from './addresses.js';
import { parseProxy } from './connect.js';
import { lookupRecords, resolveAddresses, type AddressResolution, type DnsOptions } from './dns.js';
import { abortedError, DEFAULT_HTTP_OPTIONS, followChain, type HttpOptions } from './http.js';
import { RESOLVE_JOBS } from './settings.js';
import { cleanUrl } from './url.js';

export interface ResolveOptions {
  dns?: DnsOptions;
  /** DNS only: no HTTP request is made. */
  http?: boolean;
  /** `http://host:port` or `socks5://host:port`. */
  proxy?: string;
  userAgent?: string;
  /** Per HTTP request. */
  timeoutMs?: number;
  maxHops?: number;
  maxBodyBytes?: number;
  maxHeaderBytes?: number;
  /** URLs resolved at once (batch). */
  jobs?: number;
  /** Parallel requests to one host (batch). */
  perHost?: number;
  /** Request loopback, private, link-local and reserved addresses too (see HttpOptions.allowPrivate). */
  allowPrivate?: boolean;
  /** Stops the batch: no new URL starts, requests in flight are abandoned, and the iteration throws the reason. */
  signal?: AbortSignal;
  /** Where `observedAt` and hop timestamps come from (tests fix it). Default: the system clock. */
  clock?: Clock;
  /** Ask with HEAD (see HttpOptions.head): re-checks of direct media URLs. */
  head?: boolean;
}

/** The input echoed into the record is capped, so a hostile megabyte does not come back out. */
const MAX_ECHOED_INPUT = 2000;
/** DNS answers kept per batch; the cache is dropped when it grows past this (bounded memory on huge batches). */
const DNS_CACHE_LIMIT = 10_000;

/** One lookup per key for the whole batch; the map is dropped when it grows too large (bounded memory). */
function cached<T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let entry = cache.get(key);
  if (!entry) {
    if (cache.size >= DNS_CACHE_LIMIT) cache.clear();
    entry = make();
    cache.set(key, entry);
  }
  return entry;
}

/**
 * Shared by the URLs of one batch: DNS caches (a host's records are looked up once per batch, so every URL on it
 * shows the same answer) and the per-host limiter.
 */
export class Resolver {
  private readonly addressCache = new Map<string, Promise<AddressResolution>>();
  private readonly recordCache = new Map<string, Promise<DnsRecords>>();
  private readonly limiter: KeyedLimiter;
  private readonly http: Omit<HttpOptions, 'resolveHost' | 'limiter' | 'signal'>;

  constructor(private readonly options: ResolveOptions = {}) {
    this.limiter = new KeyedLimiter(options.perHost ?? 4);
    this.http = {
      timeoutMs: options.timeoutMs ?? DEFAULT_HTTP_OPTIONS.timeoutMs,
      maxHops: options.maxHops ?? DEFAULT_HTTP_OPTIONS.maxHops,
      maxBodyBytes: options.maxBodyBytes ?? DEFAULT_HTTP_OPTIONS.maxBodyBytes,
      maxHeaderBytes: options.maxHeaderBytes ?? DEFAULT_HTTP_OPTIONS.maxHeaderBytes,
      userAgent: options.userAgent ?? DEFAULT_HTTP_OPTIONS.userAgent,
      proxy: options.proxy ? parseProxy(options.proxy) : undefined,
      allowPrivate: options.allowPrivate,
      clock: options.clock,
      head: options.head,
    };
  }

  private addressesOf(host: string): Promise<AddressResolution> {
    return cached(this.addressCache, host, () => resolveAddresses(host, this.options.dns));
  }

  private recordsOf(host: string, zone: string | undefined): Promise<DnsRecords> {
    return cached(this.recordCache, host, () => lookupRecords(host, zone, this.options.dns));
  }

  /** One URL; `signal` (or the batch's) abandons its requests, giving a record with the error `aborted`. */
  async resolve(input: string, signal = this.options.signal): Promise<ResolutionRecord> {
    const record: ResolutionRecord = {
      input: input.length > MAX_ECHOED_INPUT ? `${input.slice(0, MAX_ECHOED_INPUT)}…` : input,
      flags: [],
      hops: [],
      observedAt: isoNow(this.options.clock),
      producer: { tool: TOOL },
    };
    try {
      await this.fill(record, input, signal);
    } catch (error) {
      record.error = describeError(error);
    }
    return inReadingOrder(record);
  }

  private async fill(record: ResolutionRecord, input: string, signal: AbortSignal | undefined): Promise<void> {
    const cleaned = cleanUrl(input);
    if (!cleaned.ok) {
      record.error = cleaned.error;
      return;
    }
    const { url, asciiHost, unicodeHost, registrableDomain, flags } = cleaned.value;
    record.url = url.href;
    record.host = { unicode: unicodeHost, ascii: asciiHost };
    if (registrableDomain) record.registrableDomain = registrableDomain;
    record.flags = flags;
    const skipDns = flags.includes('ip-literal') || (flags.includes('onion') && this.http.proxy !== undefined);
    if (!skipDns) {
      record.dns = await this.recordsOf(asciiHost, registrableDomain);
      if (record.dns.error && record.dns.addresses.length === 0) {
        record.error = record.dns.error;
      }
    }
    let finalUrl = url;
    if (signal?.aborted && !record.error) record.error = abortedError();
    if (this.options.http !== false && !record.error) {
      const chain = await followChain(url, { ...this.http, signal, limiter: this.limiter, resolveHost: (host) => this.addressesOf(host) });
      record.hops = chain.hops;
      finalUrl = chain.finalUrl;
      if (chain.error) record.error = chain.error;
    }
    record.finalUrl = finalUrl.href;
    record.finalAddresses = await this.finalAddresses(finalUrl, record);
    const scopes = [...(record.dns?.addresses ?? []), ...record.finalAddresses, ...record.hops].map((entry) => entry.scope);
    if (scopes.some((scope) => scope !== undefined && scope !== 'public')) record.flags.push('private-address');
  }

  private async finalAddresses(finalUrl: URL, record: ResolutionRecord): Promise<ResolvedAddress[]> {
    const host = finalUrl.hostname.replace(/^\[|\]$/g, '');
    if (record.dns && host === record.dns.name) return record.dns.addresses.map(({ ptr: _ptr, ...rest }) => rest);
    if (this.http.proxy) return [];
    const resolved = await this.addressesOf(host);
    return resolved.addresses.map((entry) => ({ ...entry, scope: classifyAddress(entry.address) }));
  }
}

const FIELD_ORDER: (keyof ResolutionRecord)[] = [
  'input', 'url', 'host', 'registrableDomain', 'flags', 'dns', 'hops', 'finalUrl', 'finalAddresses', 'observedAt', 'producer', 'error',
];

/** The same record with its keys in the order a person reads a JSON line: what was asked, found, and went wrong. */
function inReadingOrder(record: ResolutionRecord): ResolutionRecord {
  return Object.fromEntries(
    FIELD_ORDER.filter((key) => record[key] !== undefined).map((key) => [key, record[key]]),
  ) as unknown as ResolutionRecord;
}

/** Resolves one URL with a fresh resolver (no cache shared with other calls). */
export function resolveUrl(input: string, options?: ResolveOptions): Promise<ResolutionRecord> {
  return new Resolver(options).resolve(input);
}

/**
 * Resolves a batch with `jobs` URLs in flight, yielding records in input order. An aborted `signal` starts no new
 * URL, abandons the requests in flight, and makes the iteration throw its reason after their records.
 */
export async function* resolveBatch(
  inputs: AsyncIterable<string> | Iterable<string>,
  options: ResolveOptions = {},
): AsyncGenerator<ResolutionRecord> {
  const resolver = new Resolver(options);
  yield* mapOrdered(inputs, options.jobs ?? RESOLVE_JOBS.default, (input) => resolver.resolve(input), options.signal);
}
