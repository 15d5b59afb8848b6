/**
 * The network settings (see src/core/config.ts): each default is written here once; the code using it
 * (dns.ts, http.ts, rdap.ts, whois.ts, resolve.ts) and the CLI options read it from here. Light on purpose: no
 * network module is loaded to list or merge them.
 */
import { defineSetting, integerValue, textValue } from '../core/config.js';

export const DNS_RESOLVER = defineSetting<string | undefined>({
  key: 'dns.resolver',
  description: 'DNS server: host:port (UDP, TCP on truncation) or an https:// DoH URL; unset: the system resolver',
  default: undefined,
  parse: textValue,
  options: { resolve: 'resolver', geo: 'resolver' },
});

export const DNS_TIMEOUT_MS = defineSetting({
  key: 'dns.timeoutMs',
  description: 'per DNS attempt, in ms',
  default: 3000,
  parse: integerValue(1),
  options: { resolve: 'dnsTimeout' },
});

export const DNS_RETRIES = defineSetting({
  key: 'dns.retries',
  description: 'extra DNS attempts after a timeout',
  default: 1,
  parse: integerValue(0, 10),
  options: { resolve: 'dnsRetries' },
});

export const HTTP_TIMEOUT_MS = defineSetting({
  key: 'http.timeoutMs',
  description: 'per HTTP request, connect to last byte, in ms',
  default: 10_000,
  parse: integerValue(1),
  options: { resolve: 'timeout' },
});

export const HTTP_MAX_HOPS = defineSetting({
  key: 'http.maxHops',
  description: 'HTTP requests per URL before giving up',
  default: 20,
  parse: integerValue(1),
  options: { resolve: 'maxHops' },
});

export const HTTP_USER_AGENT = defineSetting({
  key: 'http.userAgent',
  description: 'User-Agent header sent',
  default: 'Mozilla/5.0 (compatible; vigie-resolve/0.1; +https://github.com/vigie)',
  parse: textValue,
  options: { resolve: 'userAgent' },
});

export const REGISTRY_TIMEOUT_MS = defineSetting({
  key: 'registry.timeoutMs',
  description: 'per RDAP or WHOIS request, in ms',
  default: 15_000,
  parse: integerValue(1),
  options: { geo: 'timeout' },
});

export const RESOLVE_JOBS = defineSetting({
  key: 'resolve.jobs',
  description: 'URLs resolved in parallel',
  default: 8,
  parse: integerValue(1),
  options: { resolve: 'jobs' },
});

export const GEO_JOBS = defineSetting({
  key: 'geo.jobs',
  description: 'targets looked up in parallel',
  default: 8,
  parse: integerValue(1),
  options: { geo: 'jobs' },
});
