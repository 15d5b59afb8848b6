import { defaultCacheDir, LookupCache } from './cache.js';
import { defaultGeoIpPath, openGeoIpDatabase, type GeoIpDatabase } from './geoip.js';
import { HostingLookup, type ResolveAddresses } from './hosting.js';
import { RateLimiter } from './rate-limit.js';
import { RdapBootstrap } from './rdap-bootstrap.js';
import { RdapClient } from './rdap.js';
import { WhoisClient } from './whois.js';

export interface GeoOptions {
  /** MaxMind-format databases asked before the embedded DB-IP country database. */
  geoip?: string[];
  /** Leave out the embedded DB-IP database. */
  noDefaultGeoip?: boolean;
  rdap?: boolean;
  whois?: boolean;
  /** Ask WHOIS even where RDAP answered, to cross-check the two. */
  crossCheck?: boolean;
  /** A folder with dns.json, ipv4.json, ipv6.json, asn.json (RFC 9224); default: the copies shipped in the package. */
  bootstrapDir?: string;
  /** WHOIS server name → `host:port` to connect to instead (private mirrors, tests). */
  whoisServers?: Record<string, string>;
  ianaWhoisServer?: string;
  /** On-disk cache folder; `false` keeps answers in memory for this run only. Default `$XDG_CACHE_HOME/vigie`. */
  cacheDir?: string | false;
  resolver?: string;
  resolve?: ResolveAddresses;
  /** Per network request. */
  timeoutMs?: number;
  /** Minimum spacing of requests to one server; default RDAP 250 ms, WHOIS 1000 ms (see README). 0 turns it off. */
  rateLimitMs?: number;
}

/** Published limits are vague (RIPE and ARIN block "excessive" use); these spacings stay well under any of them. */
export const DEFAULT_RATE_LIMIT_MS = { rdap: 250, whois: 1000 };

/** Builds a HostingLookup from command-line style options. */
export async function createHostingLookup(options: GeoOptions = {}): Promise<HostingLookup> {
  const paths = [...(options.geoip ?? []), ...(options.noDefaultGeoip ? [] : [defaultGeoIpPath()])];
  const geoip: GeoIpDatabase[] = [];
  for (const path of paths) geoip.push(await openGeoIpDatabase(path));
  const cache = new LookupCache(options.cacheDir === false ? undefined : (options.cacheDir ?? defaultCacheDir()));
  const spacing = (kind: 'rdap' | 'whois') => options.rateLimitMs ?? DEFAULT_RATE_LIMIT_MS[kind];
  const rdap =
    options.rdap === false
      ? undefined
      : new RdapClient({
          bootstrap: await RdapBootstrap.load(options.bootstrapDir),
          cache,
          rateLimiter: new RateLimiter(() => spacing('rdap')),
          timeoutMs: options.timeoutMs,
        });
  const whois =
    options.whois === false
      ? undefined
      : new WhoisClient({
          cache,
          rateLimiter: new RateLimiter(() => spacing('whois')),
          servers: options.whoisServers,
          ianaServer: options.ianaWhoisServer,
          timeoutMs: options.timeoutMs,
        });
  return new HostingLookup({
    geoip,
    rdap,
    whois,
    whoisMode: options.crossCheck ? 'always' : 'fallback',
    resolve: options.resolve,
    resolver: options.resolver,
  });
}
