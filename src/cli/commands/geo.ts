import type { Command } from 'commander';
import { ExitCode, VigieError } from '../../core/errors.js';
import type { HostingInfo } from '../../core/hosting.js';
import type { ResolutionRecord } from '../../core/resolution.js';
import { mapOrdered } from '../../core/concurrency.js';
import {
  createHostingLookup,
  geoIpPathsFromEnvironment,
  IANA_BOOTSTRAP_URL,
  parseResolver,
  SHIPPED_BOOTSTRAP_DIR,
  updateBootstrap,
} from '../../net/index.js';
import { GEO_JOBS, REGISTRY_TIMEOUT_MS } from '../../net/settings.js';
import { collectInputs, parsePositiveInteger, validated } from '../inputs.js';
import { writeBatch } from '../batch.js';
import { runSignal } from '../interrupt.js';
import { resolveFormat, type Column } from '../output.js';

const geoColumns: Column<HostingInfo>[] = [
  { header: 'target', value: (r) => r.target },
  { header: 'addresses', value: (r) => r.addresses.map((a) => `${a.address} ${a.country ?? '?'}`).join(' ') },
  { header: 'network', value: (r) => r.addresses.map((a) => a.network?.name).filter(Boolean).join(' ') },
  { header: 'asn', value: (r) => r.addresses.map((a) => (a.asn === undefined ? '' : `AS${a.asn} ${a.asOrganization ?? ''}`.trim())).filter(Boolean).join(' ') },
  { header: 'registrar', value: (r) => r.registration?.registrar },
  { header: 'abuse', value: (r) => r.abuseContacts[0]?.email },
  { header: 'abuseSource', value: (r) => r.abuseContacts[0]?.provenance[0] },
  {
    header: 'note',
    value: (r) =>
      [
        r.error ? `${r.error.code}: ${r.error.message}` : '',
        ...r.disagreements.map((d) => `sources disagree on ${d.field}`),
        ...(r.warnings ?? []),
      ]
        .filter(Boolean)
        .join('; '),
  },
];

/** A line of `vigie resolve` JSON Lines is handed over as the record it is; any other line as typed. */
function asTarget(line: string): string | ResolutionRecord {
  if (!line.trimStart().startsWith('{')) return line;
  try {
    const value: unknown = JSON.parse(line);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as ResolutionRecord) : line;
  } catch {
    return line;
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseServerMap(entries: string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const entry of entries) {
    const match = /^([^=\s]+)=(\S+:\d+)$/.exec(entry);
    if (!match) throw new VigieError('usage', `--whois-server wants name=host:port, not "${entry}"`, ExitCode.usage);
    map[match[1].toLowerCase()] = match[2];
  }
  return map;
}

export function registerGeo(program: Command): void {
  program
    .command('geo')
    .description(
      'For each URL, domain or IP: the addresses and their country (GeoIP), the network, ASN and operator, the ' +
        'registrar (RDAP, WHOIS where RDAP has no server or fails), and abuse contacts ranked with where each came from. ' +
        'Accepts "vigie resolve" JSON Lines (uses their finalUrl and addresses). Country data: DB-IP Lite (CC BY 4.0).',
    )
    .argument('[targets...]', 'URLs (cleaned as vigie resolve cleans them), domains or IP addresses (ip:port too); "-" reads stdin')
    .option('--from <file>', 'read targets (or vigie resolve JSON Lines), one per line; blank and # lines skipped')
    .option('--resolver <server>', 'DNS server for names: host:port or an https:// DoH URL (default: system)')
    .option('--geoip <file>', 'add a MaxMind-format database, asked before the embedded one (repeatable)', collect, [])
    .option('--no-default-geoip', 'leave out the embedded DB-IP country database')
    .option('--no-rdap', 'do not ask RDAP servers')
    .option('--no-whois', 'do not ask WHOIS servers')
    .option('--cross-check', 'ask WHOIS even where RDAP answered, and flag where they disagree')
    .option('--bootstrap-dir <dir>', 'RDAP bootstrap files to use (default: the copies shipped with vigie)')
    .option('--update-bootstrap', 'download fresh RDAP bootstrap files (into --bootstrap-dir or the package) and exit')
    .option('--bootstrap-url <url>', 'where --update-bootstrap downloads from', IANA_BOOTSTRAP_URL)
    .option('--whois-server <name=host:port>', 'connect there for that WHOIS server name (repeatable)', collect, [])
    .option('--cache-dir <dir>', 'answer cache (default: $XDG_CACHE_HOME/vigie)')
    .option('--no-cache', 'keep answers in memory for this run only')
    .option('--timeout <ms>', 'per network request', parsePositiveInteger('--timeout'), REGISTRY_TIMEOUT_MS.default)
    .option('--rate-limit <ms>', 'minimum spacing of requests to one server (default: RDAP 250, WHOIS 1000)', Number)
    .option('-f, --format <format>', 'jsonl, csv or table (default: table on a terminal, jsonl otherwise)')
    .option('-o, --output <file>', 'write to this file (atomically) instead of stdout')
    .option('-j, --jobs <n>', 'targets looked up in parallel', parsePositiveInteger('--jobs'), GEO_JOBS.default)
    .addHelpText(
      'after',
      `
Examples:
  vigie geo https://example.com/a.jpg 193.0.6.139      country, network, registrar, abuse contacts
  vigie geo 'hxxp://example[.]com' 62.239.237.1:80     pasted forms, as vigie resolve accepts them
  vigie resolve --from urls.txt | vigie geo - -f csv   locate the final hosts of resolved URLs
  vigie geo --geoip GeoLite2-City.mmdb --geoip GeoLite2-ASN.mmdb 8.8.8.8
  vigie geo --update-bootstrap                         refresh the IANA RDAP bootstrap files

Country data: IP geolocation by DB-IP (https://db-ip.com), CC BY 4.0.
Exit codes: 0 every target located, 2 usage error, 3 at least one target failed or its answer is incomplete (its
record has "error"; "lookups-failed" when every DNS/RDAP/WHOIS lookup failed and only the local GeoIP country is
known), 4 a GeoIP database or the RDAP bootstrap is missing or damaged.`,
    )
    .action(async (targets: string[], options) => {
      const bootstrapDir: string | undefined = options.bootstrapDir ?? (process.env.VIGIE_RDAP_BOOTSTRAP || undefined);
      if (options.updateBootstrap) {
        const updated = await updateBootstrap(bootstrapDir ?? SHIPPED_BOOTSTRAP_DIR, options.bootstrapUrl, options.timeout);
        for (const file of updated) process.stdout.write(`${file.file}: ${file.services} services, published ${file.publication ?? '?'}\n`);
        return;
      }
      const rateLimit = options.rateLimit as number | undefined;
      if (rateLimit !== undefined && !(rateLimit >= 0)) throw new VigieError('usage', '--rate-limit must be a number of ms >= 0', ExitCode.usage);
      validated(parseResolver, options.resolver, '--resolver');
      const inputs = await collectInputs(targets, options.from);
      const format = resolveFormat(options.format, options.output !== undefined);
      const lookup = await createHostingLookup({
        geoip: [...options.geoip, ...geoIpPathsFromEnvironment()],
        noDefaultGeoip: options.defaultGeoip === false,
        rdap: options.rdap,
        whois: options.whois,
        crossCheck: options.crossCheck,
        bootstrapDir,
        whoisServers: parseServerMap(options.whoisServer),
        cacheDir: options.cache === false ? false : options.cacheDir,
        resolver: options.resolver,
        timeoutMs: options.timeout,
        rateLimitMs: rateLimit,
      });
      try {
        await writeBatch(mapOrdered(inputs, options.jobs, (input) => lookup.lookup(asTarget(input), { signal: runSignal }), runSignal), {
          format,
          columns: geoColumns,
          output: options.output,
          label: 'locating',
          total: inputs.length,
          failure: (record) => (record.error ? { name: record.target, error: record.error } : undefined),
          failedSummary: 'targets could not be located',
        });
      } finally {
        await lookup.close();
      }
    });
}
