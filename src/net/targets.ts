import { isIP } from 'node:net';
import { getDomain } from 'tldts';
import { VigieError } from '../core/errors.js';
import type { HostingInfo } from '../core/hosting.js';
import type { ResolutionRecord } from '../core/resolution.js';
import { cleanUrl } from './url.js';

export interface GeoTarget {
  target: string;
  kind: HostingInfo['kind'];
  /** Host name, absent for an address. */
  host?: string;
  /** The host's registrable domain by the public suffix list WITH private suffixes (`alice.blogspot.com`). */
  registrableDomain?: string;
  /** The domain the registry knows: ICANN suffixes only (`blogspot.com`); what RDAP and WHOIS are asked about. */
  registryDomain?: string;
  /** Addresses already known (an IP input, or a `vigie resolve` record); otherwise the host is resolved. */
  addresses?: string[];
}

const MAX_INPUT = 4096;

/** `62.239.237.1`, `62.239.237.1:80`, `2001:db8::1`, `[2001:db8::1]`, `[2001:db8::1]:443` → the address. */
function bareAddress(text: string): string | undefined {
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(text);
  if (bracketed) return isIP(bracketed[1]) === 6 ? bracketed[1] : undefined;
  if (isIP(text)) return text;
  const withPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(text);
  return withPort && isIP(withPort[1]) === 4 ? withPort[1] : undefined;
}

/**
 * Reads one target as typed or pasted: an IP address (with or without a port), a domain, or a URL cleaned exactly as
 * `vigie resolve` cleans it (refanged, quotes and trailing punctuation trimmed: `hxxp://example[.]com` is accepted).
 */
export function parseTarget(line: string): GeoTarget {
  const input = line.trim();
  if (input.length > MAX_INPUT) throw new VigieError('bad-target', `input longer than ${MAX_INPUT} characters`);
  const address = bareAddress(input);
  if (address) return { target: input, kind: 'ip', addresses: [address] };
  const cleaned = cleanUrl(input);
  if (!cleaned.ok) throw new VigieError('bad-target', `not a URL, domain or IP address: ${input.slice(0, 200)} (${cleaned.error.message})`);
  const { url, asciiHost, registrableDomain, flags } = cleaned.value;
  // No scheme and nothing after the host: what was typed is a domain (or an address), not a URL.
  const bare = flags.includes('scheme-added') && url.pathname === '/' && url.search === '' && !flags.includes('userinfo');
  if (flags.includes('ip-literal')) return { target: input, kind: bare ? 'ip' : 'url', addresses: [asciiHost] };
  const host = asciiHost.replace(/\.$/, '');
  if (!/^[a-z0-9_-]+(\.[a-z0-9_-]+)+$/.test(host)) throw new VigieError('bad-target', `not a URL, domain or IP address: ${input.slice(0, 200)}`);
  const registryDomain = getDomain(host, { allowPrivateDomains: false });
  if (!registryDomain) throw new VigieError('bad-target', `no registrable domain in ${input.slice(0, 200)} (a public suffix or an unknown TLD)`);
  return { target: input, kind: bare ? 'domain' : 'url', host, registrableDomain: registrableDomain ?? registryDomain, registryDomain };
}

/**
 * The target a `vigie resolve` record stands for: where its chain ended (`finalUrl`, else the cleaned `url`), at the
 * addresses it was found at (`finalAddresses`), so that the host is not resolved a second time.
 */
export function targetOfResolution(record: ResolutionRecord): GeoTarget {
  const url = record.finalUrl ?? record.url;
  if (typeof url !== 'string') {
    throw new VigieError('bad-target', `resolution record of ${String(record.input).slice(0, 200)} has no url${record.error ? ` (${record.error.code})` : ''}`);
  }
  const parsed = parseTarget(url);
  const addresses = (record.finalAddresses ?? [])
    .map((entry) => entry?.address)
    .filter((address): address is string => typeof address === 'string' && isIP(address) !== 0);
  return addresses.length ? { ...parsed, addresses: [...new Set(addresses)] } : parsed;
}
