import { readFile } from 'node:fs/promises';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Agent } from 'undici';
import { writeFileAtomic } from '../core/atomic.js';
import { SHIPPED_BOOTSTRAP_DIR } from './data-files.js';
import { ExitCode, VigieError } from '../core/errors.js';
import { fetchLimited } from './http-fetch.js';
import { cidrRange, familyOf, ipToBigInt } from './ip.js';
import { parseJsonLimited } from './json-limits.js';

export { SHIPPED_BOOTSTRAP_DIR };
export const IANA_BOOTSTRAP_URL = 'https://data.iana.org/rdap/';
export const BOOTSTRAP_FILES = ['dns.json', 'ipv4.json', 'ipv6.json', 'asn.json', 'object-tags.json'] as const;

interface BootstrapFile {
  publication?: string;
  services: [string[], string[]][];
}

interface RangeService<T> {
  first: T;
  last: T;
  urls: string[];
}

/** Which RDAP server answers for an address, an AS number or a domain. */
export class RdapBootstrap {
  private constructor(
    readonly publication: string | undefined,
    private readonly dns: Map<string, string[]>,
    private readonly ip: RangeService<bigint>[],
    private readonly asn: RangeService<number>[],
  ) {}

  static async load(dir = SHIPPED_BOOTSTRAP_DIR): Promise<RdapBootstrap> {
    const read = async (name: string): Promise<BootstrapFile> => {
      try {
        return validate(parseJsonLimited(await readFile(join(dir, name), 'utf8'), 32, name), name);
      } catch (error) {
        throw new VigieError('bootstrap-missing', `RDAP bootstrap ${join(dir, name)}: ${(error as Error).message}`, ExitCode.environment);
      }
    };
    const [dns, ipv4, ipv6, asn] = await Promise.all(['dns.json', 'ipv4.json', 'ipv6.json', 'asn.json'].map(read));
    const dnsMap = new Map<string, string[]>();
    for (const [labels, urls] of dns.services) for (const label of labels) dnsMap.set(label.toLowerCase(), urls);
    const ipServices: RangeService<bigint>[] = [];
    for (const [prefixes, urls] of [...ipv4.services, ...ipv6.services]) {
      for (const prefix of prefixes) {
        const range = cidrRange(prefix);
        if (range) ipServices.push({ first: ipToBigInt(range.start), last: ipToBigInt(range.end), urls });
      }
    }
    const asnServices: RangeService<number>[] = [];
    for (const [ranges, urls] of asn.services) {
      for (const range of ranges) {
        const [first, last = first] = range.split('-').map(Number);
        asnServices.push({ first, last, urls });
      }
    }
    return new RdapBootstrap(dns.publication, dnsMap, ipServices, asnServices);
  }

  /** The base URL (ending in `/`) for the longest matching prefix, https preferred. */
  forIp(address: string): string | undefined {
    const value = ipToBigInt(address);
    const family = familyOf(address);
    let best: RangeService<bigint> | undefined;
    for (const service of this.ip) {
      const sameFamily = (service.last > 0xffffffffn) === (family === 6);
      if (sameFamily && service.first <= value && value <= service.last) {
        if (!best || service.last - service.first < best.last - best.first) best = service;
      }
    }
    return best && preferHttps(best.urls);
  }

  forAsn(asn: number): string | undefined {
    const service = this.asn.find((s) => s.first <= asn && asn <= s.last);
    return service && preferHttps(service.urls);
  }

  /** Longest matching label suffix: `example.co.uk` tries `co.uk`, then `uk`. */
  forDomain(domain: string): string | undefined {
    const labels = domain.toLowerCase().replace(/\.$/, '').split('.');
    for (let i = 0; i < labels.length; i++) {
      const urls = this.dns.get(labels.slice(i).join('.'));
      if (urls) return preferHttps(urls);
    }
    return undefined;
  }
}

function preferHttps(urls: string[]): string | undefined {
  const url = urls.find((u) => u.startsWith('https://')) ?? urls[0];
  return url && (url.endsWith('/') ? url : `${url}/`);
}

function validate(data: unknown, name: string): BootstrapFile {
  const file = data as BootstrapFile;
  const ok =
    Array.isArray(file?.services) &&
    file.services.every(
      (service) =>
        Array.isArray(service) &&
        Array.isArray(service[0]) &&
        Array.isArray(service[1]) &&
        [...service[0], ...service[1]].every((item) => typeof item === 'string'),
    );
  if (!ok) throw new VigieError('bad-bootstrap', `${name} is not an RFC 9224 bootstrap file`);
  return file;
}

/**
 * Downloads the five bootstrap files from `baseUrl` (IANA by default), checks each is a bootstrap file, and only then
 * replaces the copies in `dir`, so a failed refresh leaves the previous files.
 */
export async function updateBootstrap(
  dir = SHIPPED_BOOTSTRAP_DIR,
  baseUrl = IANA_BOOTSTRAP_URL,
  timeoutMs = 30_000,
): Promise<{ file: string; publication?: string; services: number }[]> {
  const dispatcher = new Agent();
  try {
    const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
    const downloaded = await Promise.all(
      BOOTSTRAP_FILES.map(async (file) => {
        const response = await fetchLimited(`${base}${file}`, { dispatcher, timeoutMs, maxBytes: 5e6, accept: 'application/json' });
        if (response.status !== 200) throw new VigieError('bootstrap-download', `${base}${file}: HTTP ${response.status}`);
        const parsed = validate(parseJsonLimited(response.text, 32, `${base}${file}`), `${base}${file}`);
        return { file, text: response.text, parsed };
      }),
    );
    await mkdir(dir, { recursive: true });
    for (const { file, text } of downloaded) await writeFileAtomic(join(dir, file), text);
    return downloaded.map(({ file, parsed }) => ({ file, publication: parsed.publication, services: parsed.services.length }));
  } finally {
    await dispatcher.close();
  }
}
