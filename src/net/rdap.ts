import { Agent } from 'undici';
import { KeyedLimiter } from '../core/concurrency.js';
import { describeError, VigieError, type ErrorInfo } from '../core/errors.js';
import type { LookupCache } from './cache.js';
import { fetchLimited } from './http-fetch.js';
import { parseJsonLimited } from './json-limits.js';
import type { RateLimiter } from './rate-limit.js';
import type { RdapBootstrap } from './rdap-bootstrap.js';
import { parseRdap, rdapError, registryLabel } from './rdap-parse.js';
import { REGISTRY_TIMEOUT_MS } from './settings.js';
import type { RegistryFacts } from './registry-facts.js';

export interface RdapClientOptions {
  bootstrap: RdapBootstrap;
  cache: LookupCache;
  rateLimiter: RateLimiter;
  /** Per request, redirects included. Default 15 s. */
  timeoutMs?: number;
  /** Answers above this are refused. Default 5 MB (the largest real answers, big ARIN orgs, are a few hundred KB). */
  maxBytes?: number;
  /** Deeper JSON is refused before parsing. Default 64 (real answers stay under 15). */
  maxDepth?: number;
  /** How long an answer is reused. Default 24 h; a not-found answer 1 h. */
  ttlMs?: number;
  notFoundTtlMs?: number;
}

export interface RdapAnswer {
  url: string;
  facts: RegistryFacts;
  cached: boolean;
}

export interface RdapDomainAnswer {
  registry: RdapAnswer;
  /** The registrar's answer, reached through the registry's `related` link. */
  registrar?: RdapAnswer;
  registrarError?: { url: string; error: ErrorInfo };
}

export const RDAP_DEFAULTS = { timeoutMs: REGISTRY_TIMEOUT_MS.default, maxBytes: 5_000_000, maxDepth: 64, ttlMs: 86_400_000, notFoundTtlMs: 3_600_000 };

/** RDAP (RFC 9082/9083) lookups of IP networks, AS numbers and domains, cached and rate-limited per server. */
export class RdapClient {
  private readonly dispatcher = new Agent({ keepAliveTimeout: 2_000 });
  /** One request at a time per server: polite, and a second address of the same network then hits the cache. */
  private readonly perServer = new KeyedLimiter(1);
  private readonly settings: typeof RDAP_DEFAULTS;

  constructor(private readonly options: RdapClientOptions) {
    this.settings = { ...RDAP_DEFAULTS, ...definedOnly(options) };
  }

  /** The network holding `address`; undefined when no RDAP server covers it. */
  async ip(address: string): Promise<RdapAnswer | undefined> {
    const base = this.options.bootstrap.forIp(address);
    if (!base) return undefined;
    const url = `${base}ip/${address}`;
    const inRange = () => this.options.cache.findRange<RegistryFacts>('rdap-ip', address);
    const hit = await inRange();
    if (hit) return { url, facts: hit, cached: true };
    return this.perServer.run(new URL(base).host, async () => {
      const again = await inRange();
      if (again) return { url, facts: again, cached: true };
      return this.fetchFacts('rdap-ip', url, (facts) =>
        facts.network?.startAddress && facts.network.endAddress
          ? { first: facts.network.startAddress, last: facts.network.endAddress }
          : undefined,
      );
    });
  }

  async autnum(asn: number): Promise<RdapAnswer | undefined> {
    const base = this.options.bootstrap.forAsn(asn);
    if (!base) return undefined;
    return this.perServer.run(new URL(base).host, () => this.fetchFacts('rdap-autnum', `${base}autnum/${asn}`));
  }

  /**
   * The registry's answer for a domain and, when it links to one (`rel: related`, as thin registries such as
   * Verisign do), the registrar's. Undefined when no RDAP server covers the TLD.
   */
  async domain(name: string): Promise<RdapDomainAnswer | undefined> {
    const base = this.options.bootstrap.forDomain(name);
    if (!base) return undefined;
    const registry = await this.perServer.run(new URL(base).host, () =>
      this.fetchFacts('rdap-domain', `${base}domain/${name}`),
    );
    const related = registry.facts.related?.find((url) => /^https?:/.test(url) && url !== registry.url);
    if (!related) return { registry };
    try {
      return { registry, registrar: await this.perServer.run(new URL(related).host, () => this.fetchFacts('rdap-domain', related)) };
    } catch (error) {
      // The registry's answer stands on its own; the registrar's failure is reported beside it.
      return { registry, registrarError: { url: related, error: describeError(error) } };
    }
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }

  private async fetchFacts(
    namespace: string,
    url: string,
    range?: (facts: RegistryFacts) => { first: string; last: string } | undefined,
  ): Promise<RdapAnswer> {
    const { value, cached } = await this.options.cache.get(
      namespace,
      url,
      () => this.download(url),
      (facts) => (facts.notFound ? this.settings.notFoundTtlMs : this.settings.ttlMs),
      range,
    );
    return { url, facts: value, cached };
  }

  private async download(url: string): Promise<RegistryFacts> {
    await this.options.rateLimiter.wait(new URL(url).host);
    const response = await fetchLimited(url, {
      dispatcher: this.dispatcher,
      timeoutMs: this.settings.timeoutMs,
      maxBytes: this.settings.maxBytes,
      accept: 'application/rdap+json, application/json',
    });
    const registry = registryLabel(response.url);
    if (response.status === 404) return { source: `rdap:${registry}`, contacts: [], notFound: true };
    const data = parseJsonLimited(response.text, this.settings.maxDepth, url);
    const error = rdapError(data);
    if (error?.code === 404) return { source: `rdap:${registry}`, contacts: [], notFound: true };
    if (error || response.status !== 200) {
      throw new VigieError('rdap-error', `${url}: HTTP ${response.status}${error ? ` ${error.message}` : ''}`);
    }
    return parseRdap(data, registry);
  }
}

function definedOnly<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Partial<T>;
}
