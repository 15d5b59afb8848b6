import { isIP } from 'node:net';
import { getDomain } from 'tldts';
import { VigieError } from '../core/errors.js';
import type { HostingInfo } from '../core/hosting.js';

export interface GeoTarget {
  target: string;
  kind: HostingInfo['kind'];
  /** Host name, absent for an address. */
  host?: string;
  /** The ICANN registrable domain (registries know `blogspot.com`, not `alice.blogspot.com`). */
  domain?: string;
  /** Addresses already known (an IP input, or a `vigie resolve` record); otherwise the host is resolved. */
  addresses?: string[];
}

const MAX_INPUT = 4096;

/**
 * Reads one input line: a URL, a domain, an IP address, or a JSON object from `vigie resolve` (its `finalUrl`,
 * `final_url` or `url`, and `finalAddresses`/`addresses` as strings or `{address}` objects).
 */
export function parseTarget(line: string): GeoTarget {
  const input = line.trim();
  if (input.length > MAX_INPUT) throw new VigieError('bad-target', `input longer than ${MAX_INPUT} characters`);
  if (input.startsWith('{')) return fromResolveRecord(input);
  const bare = input.replace(/^\[(.*)\]$/, '$1');
  if (isIP(bare)) return { target: input, kind: 'ip', addresses: [bare] };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) {
    let url: URL;
    try {
      url = new URL(input);
    } catch {
      throw new VigieError('bad-target', `not a valid URL: ${input}`);
    }
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
    if (isIP(host)) return { target: input, kind: 'url', addresses: [host] };
    return { target: input, kind: 'url', host, domain: registrable(host, input) };
  }
  const host = input.toLowerCase().replace(/\.$/, '');
  let ascii: string;
  try {
    ascii = new URL(`http://${host}/`).hostname;
  } catch {
    throw new VigieError('bad-target', `not a URL, domain or IP address: ${input}`);
  }
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(ascii)) {
    throw new VigieError('bad-target', `not a URL, domain or IP address: ${input}`);
  }
  return { target: input, kind: 'domain', host: ascii, domain: registrable(ascii, input) };
}

function registrable(host: string, input: string): string {
  const domain = getDomain(host, { allowPrivateDomains: false });
  if (!domain) throw new VigieError('bad-target', `no registrable domain in ${input} (a public suffix or an unknown TLD)`);
  return domain;
}

function fromResolveRecord(text: string): GeoTarget {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new VigieError('bad-target', 'invalid JSON input line');
  }
  const url = [record.finalUrl, record.final_url, record.url].find((value) => typeof value === 'string') as string | undefined;
  if (!url) throw new VigieError('bad-target', 'JSON input without "url", "finalUrl" or "final_url"');
  const parsed = parseTarget(url);
  const listed = [record.finalAddresses, record.addresses].find(Array.isArray) as unknown[] | undefined;
  const addresses = (listed ?? [])
    .map((item) => (typeof item === 'string' ? item : (item as { address?: unknown })?.address))
    .filter((address): address is string => typeof address === 'string' && isIP(address) !== 0);
  return addresses.length ? { ...parsed, addresses: [...new Set(addresses)] } : parsed;
}
