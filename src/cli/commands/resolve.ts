import type { Command } from 'commander';
import { ExitCode, VigieError } from '../../core/errors.js';
import type { ResolutionRecord } from '../../core/resolution.js';
import { parseProxy, parseResolver, resolveBatch } from '../../net/index.js';
import { DNS_RETRIES, DNS_TIMEOUT_MS, HTTP_MAX_HOPS, HTTP_TIMEOUT_MS, RESOLVE_JOBS } from '../../net/settings.js';
import { csvColumn } from '../csv-inputs.js';
import { collectInputs, parseInteger, parsePositiveInteger, validated } from '../inputs.js';
import { writeBatch } from '../batch.js';
import { runSignal } from '../interrupt.js';
import { resolveFormat, type Column } from '../output.js';

const addresses = (list: { address: string }[] | undefined) => (list ?? []).map((entry) => entry.address).join(' ');

const RESOLVE_COLUMNS: Column<ResolutionRecord>[] = [
  { header: 'input', value: (r) => r.input },
  { header: 'url', value: (r) => r.url },
  { header: 'domain', value: (r) => r.registrableDomain },
  { header: 'flags', value: (r) => r.flags.join(',') },
  { header: 'addresses', value: (r) => addresses(r.dns?.addresses) },
  { header: 'chain', value: (r) => r.hops.map((hop) => hop.status ?? 'x').join('>') },
  { header: 'finalUrl', value: (r) => r.finalUrl },
  { header: 'finalAddresses', value: (r) => addresses(r.finalAddresses) },
  { header: 'error', value: (r) => (r.error ? `${r.error.code}: ${r.error.message}` : '') },
];

async function readInputs(urls: string[], options: { from?: string; column?: string }): Promise<string[]> {
  const { column } = options;
  if (column === undefined) return collectInputs(urls, options.from);
  if (options.from === undefined && !urls.includes('-')) {
    throw new VigieError('usage', '--column needs CSV from --from <file> or - (stdin)', ExitCode.usage);
  }
  return collectInputs(urls, options.from, (text) => csvColumn(text, column));
}

export function registerResolve(program: Command): void {
  program
    .command('resolve')
    .description(
      'Refang and normalise each URL, resolve its host with our own DNS (CNAME chain, A, AAAA, NS, MX, PTR), then ' +
        'follow it over HTTP hop by hop (Location headers and meta refresh), recording for every hop the address ' +
        'and port connected to, TLS certificate, status, Server header and a UTC timestamp. Only HTML is read.',
    )
    .argument('[urls...]', 'URLs as pasted (defanged forms accepted); "-" reads one per line from stdin')
    .option('--from <file>', 'read URLs from a file, one per line (or CSV with --column)')
    .option('--column <name>', 'the input (--from or -) is CSV with a header; take URLs from this column')
    .option('--resolver <server>', 'DNS server: host:port (UDP, TCP on truncation) or https://…/dns-query (DoH)')
    .option('--dns-timeout <ms>', 'per DNS attempt', parsePositiveInteger('--dns-timeout'), DNS_TIMEOUT_MS.default)
    .option('--dns-retries <n>', 'extra DNS attempts after a timeout', parseInteger('--dns-retries', 0, 10), DNS_RETRIES.default)
    .option('--no-http', 'DNS only: make no HTTP request')
    .option('--timeout <ms>', 'per HTTP request, connect to last byte', parsePositiveInteger('--timeout'), HTTP_TIMEOUT_MS.default)
    .option('--max-hops <n>', 'HTTP requests per URL before giving up', parsePositiveInteger('--max-hops'), HTTP_MAX_HOPS.default)
    .option('--max-body <bytes>', 'HTML bytes read per response (to find a meta refresh)', parsePositiveInteger('--max-body'), 262_144)
    .option('--user-agent <text>', 'User-Agent header sent')
    .option('--allow-private', 'also request loopback, private, link-local and reserved addresses (off: such URLs are flagged, not fetched)')
    .option('--proxy <url>', 'send HTTP through http://host:port or socks5://host:port (Tor: socks5://127.0.0.1:9050)')
    .option('-j, --jobs <n>', 'URLs resolved in parallel', parsePositiveInteger('--jobs'), RESOLVE_JOBS.default)
    .option('--per-host <n>', 'parallel requests to one host', parsePositiveInteger('--per-host'), 4)
    .option('-f, --format <format>', 'jsonl, csv or table (default: table on a terminal, jsonl otherwise)')
    .option('-o, --output <file>', 'write to this file (atomically) instead of stdout')
    .addHelpText(
      'after',
      `
Examples:
  vigie resolve 'hxxps://example[.]com/a'           refang, resolve, follow redirects
  vigie resolve --no-http --resolver 9.9.9.9 bit.ly/x DNS only, through Quad9
  vigie resolve --resolver https://dns.quad9.net/dns-query --from urls.txt -f csv -o chains.csv
  vigie resolve --from report.csv --column url --proxy socks5://127.0.0.1:9050

A URL whose host is (or redirects to) a loopback, private, link-local or reserved address is not requested: its
hop and record carry the error "private-address" and the flag private-address. --allow-private requests it.
Exit codes: 0 every URL resolved, 2 usage error, 3 at least one URL could not be resolved (its record has "error").`,
    )
    .action(async (urls: string[], options) => {
      validated(parseResolver, options.resolver, '--resolver');
      validated(parseProxy, options.proxy, '--proxy');
      const inputs = await readInputs(urls, options);
      const format = resolveFormat(options.format, options.output !== undefined);
      await writeBatch(
        resolveBatch(inputs, {
          dns: { resolver: options.resolver, timeoutMs: options.dnsTimeout, retries: options.dnsRetries },
          http: options.http,
          proxy: options.proxy,
          userAgent: options.userAgent,
          timeoutMs: options.timeout,
          maxHops: options.maxHops,
          maxBodyBytes: options.maxBody,
          jobs: options.jobs,
          perHost: options.perHost,
          allowPrivate: options.allowPrivate === true,
          signal: runSignal,
        }),
        {
          format,
          columns: RESOLVE_COLUMNS,
          output: options.output,
          label: 'resolving',
          total: inputs.length,
          failure: (record) => (record.error ? { name: record.input.slice(0, 200), error: record.error } : undefined),
          failedSummary: 'URLs could not be resolved',
        },
      );
    });
}
