import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SHIPPED_BOOTSTRAP_DIR } from '../../src/net/rdap-bootstrap.js';

/** `rdap.arin.net` → `arin`, other servers keep their host name: the first path segment on the loopback mirror. */
export function mirrorSlug(url: string): string {
  const host = new URL(url).hostname;
  return /\b(arin|ripe|apnic|lacnic|afrinic)\b/.exec(host)?.[1] ?? host;
}

/** The loopback URL that stands for a real RDAP URL: `https://rdap.arin.net/registry/x` → `<base>/arin/registry/x`. */
export function mirrorUrl(url: string, base: string): string {
  const parsed = new URL(url);
  return `${base}/${mirrorSlug(url)}${parsed.pathname}${parsed.search}`;
}

/** Copies the shipped bootstrap files into `dir` with every server URL pointed at the mirror. */
export async function writeMirroredBootstrap(dir: string, base: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const name of ['dns.json', 'ipv4.json', 'ipv6.json', 'asn.json', 'object-tags.json']) {
    const file = JSON.parse(await readFile(join(SHIPPED_BOOTSTRAP_DIR, name), 'utf8')) as { services: [string[], string[]][] };
    file.services = file.services.map(([entries, urls]) => [entries, [...new Set(urls.filter((u) => u.startsWith('https://')).map((u) => mirrorUrl(u, base)))]]);
    await writeFile(join(dir, name), JSON.stringify(file));
  }
}

/** `/arin/registry/ip/13.64.0.0` → `arin ip/13.64.0.0`: what a route table is keyed by. */
export function routeKey(path: string): string {
  const [slug = '', ...rest] = path.split('?')[0].split('/').filter(Boolean);
  const index = rest.findIndex((segment) => ['ip', 'autnum', 'domain'].includes(segment));
  return `${slug} ${rest.slice(index).join('/')}`;
}
