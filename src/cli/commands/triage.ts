import { hostname } from 'node:os';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { TOOL } from '../../core/producer.js';
import { interruptedRunExitCode, runSignal } from '../interrupt.js';
import { isQuiet, resolveFormat } from '../output.js';
import { ExitCode, VigieError } from '../../core/errors.js';
import type { HashRecord } from '../../core/records.js';
import { Hasher } from '../../hashing/index.js';
import { loadHashSet } from '../../hashsets/index.js';
import { Matcher } from '../../matching/index.js';
import { createHostingLookup, geoIpPathsFromEnvironment, Resolver } from '../../net/index.js';
import {
  createDrafter,
  DEFAULT_LEASE_MS,
  defaultDraftsDir,
  isPostgresLocation,
  openCaseStore,
  readNotifier,
  parseColumnMapping,
  runTriage,
  STAGES,
  type TriageSummary,
} from '../../triage/index.js';
import { parsePositiveInteger } from '../inputs.js';
import { createProgress } from '../progress.js';


function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseServerMap(entries: string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const entry of entries) {
    const at = entry.indexOf('=');
    if (at <= 0) throw new VigieError('usage', `--whois-server takes name=host:port, not "${entry}"`, ExitCode.usage);
    map[entry.slice(0, at)] = entry.slice(at + 1);
  }
  return map;
}


/** The default case: a SQLite file in the working folder, never beside the reports (inputs are read-only). */
export const DEFAULT_CASE = 'vigie-case.sqlite';

export function registerTriage(program: Command): void {
  program
    .command('triage')
    .description(
      'Triage a batch of reports (CSV or JSON Lines: id,url,reported_at,source [,category_claimed,ip,media,hashes]): ' +
        'clean and resolve each URL, locate its host, hash and match its media against hash sets, auto-qualify ' +
        'known content, rank the rest for review, draft notices. Checkpointed in the case: rerun after a crash to ' +
        'finish; several processes on one postgres:// case share the work.',
    )
    .argument('<reports...>', 'report files (.csv, or .jsonl/.ndjson)')
    .option('--case <path|url>', `case store: a SQLite file, or postgres://… (default ./${DEFAULT_CASE})`, DEFAULT_CASE)
    .option('--map <field=Column,…>', 'report fields taken from other columns, e.g. url=Link,reported_at=Date', parseColumnMapping)
    .option('--input-format <format>', 'csv or jsonl (default: from the file name)')
    .option('--media-root <dir>', 'media paths may point anywhere under this folder (default: the report file\'s folder)')
    .option('--against <sets...>', 'native hash sets to match media and given hashes against')
    .option('--index-cache', 'keep set indexes as <set>.mih beside the sets (default: built in memory, sets are inputs)')
    .option('--offline', 'make no network request: hosting from the reports\' ip column and GeoIP only')
    .option('--allow-private', 'fetch URLs that reach loopback, private, link-local or reserved addresses')
    .option('--resolver <server>', 'DNS server: host:port or an https:// DoH URL (default: system)')
    .option('--timeout <ms>', 'per network request', parsePositiveInteger('--timeout'), 10_000)
    .option('--per-host <n>', 'parallel requests to one host', parsePositiveInteger('--per-host'), 2)
    .option('--geoip <file>', 'add a MaxMind-format database, asked before the embedded one (repeatable)', collect, [])
    .option('--no-rdap', 'do not ask RDAP servers')
    .option('--no-whois', 'do not ask WHOIS servers')
    .option('--bootstrap-dir <dir>', 'RDAP bootstrap files to use (default: the copies shipped with vigie)')
    .option('--whois-server <name=host:port>', 'connect there for that WHOIS server name (repeatable)', collect, [])
    .option('--cache-dir <dir>', 'RDAP/WHOIS answer cache (default: $XDG_CACHE_HOME/vigie)')
    .option('--rate-limit <ms>', 'minimum spacing of requests to one RDAP/WHOIS server', Number)
    .option('--notifier <file>', 'the hotline sending notices (JSON: organisation, organisationDomain, contactEmail, country, analystRef); drafts notices for qualified reports')
    .option('--drafts <dir>', 'where notice drafts are written (default: <case>.drafts beside a SQLite case, ./vigie-drafts for PostgreSQL)')
    .option('--rules <file>', 'notice routing rules (default: data/notices/routing.yaml)')
    .option('-j, --jobs <n>', 'reports processed in parallel', parsePositiveInteger('--jobs'), 8)
    .option('--worker <name>', 'this process\'s name in the case\'s claims (default: host:pid)')
    .option('--lease <ms>', 'how long claimed reports stay this worker\'s without renewal', parsePositiveInteger('--lease'), DEFAULT_LEASE_MS)
    .option('--timings', 'add the time spent in each stage (store calls included) and the peak memory to the summary')
    .option('-f, --format <format>', 'summary as text (table, the default) or one JSON object (jsonl)')
    .addHelpText(
      'after',
      `
Examples:
  vigie triage samples/reports.csv --offline --against samples/reports-known.vhs   the sample batch, no network
  vigie triage batch.csv --case case.sqlite --against ncmec.vhs iwf.vhs
  vigie triage partner.jsonl --case postgres://vigie@db.internal/case42 --against ncmec.vhs   (on each machine)

Exit codes: 0 done, 2 usage error, 3 a report file or the case cannot be read, 4 environment (case busy,
PostgreSQL unreachable), 130/143 interrupted (rerun the same command to finish).`,
    )
    .action(async (files: string[], options) => {
      const format = resolveFormat(options.format ?? 'table', false);
      if (format === 'csv') throw new VigieError('usage', 'the triage summary is table or jsonl, not csv (vigie case export gives the reports)', ExitCode.usage);
      // On PostgreSQL, a connection for each report in flight and one for the claims and leases: a report never
      // waits for another's connection.
      const store = await openCaseStore(options.case, { producer: TOOL, poolSize: options.jobs + 1 });
      const closers: (() => Promise<void>)[] = [() => store.close()];
      try {
        const sets = await Promise.all(((options.against as string[] | undefined) ?? []).map((path) => loadHashSet(path)));
        let matcher: Matcher | undefined;
        if (sets.length > 0) matcher = await Matcher.open(sets, { noIndexCache: options.indexCache !== true });
        const hashable = matcher ? matcher.signals.filter((signal) => signal !== 'vpdq') : [];
        const lookup = await createHostingLookup({
          geoip: [...options.geoip, ...geoIpPathsFromEnvironment()],
          rdap: options.offline ? false : options.rdap,
          whois: options.offline ? false : options.whois,
          bootstrapDir: options.bootstrapDir ?? (process.env.VIGIE_RDAP_BOOTSTRAP || undefined),
          whoisServers: parseServerMap(options.whoisServer),
          cacheDir: options.offline ? false : options.cacheDir,
          resolver: options.resolver,
          timeoutMs: options.timeout,
          rateLimitMs: options.rateLimit,
        });
        closers.push(() => lookup.close());
        const resolveOptions = {
          dns: { resolver: options.resolver },
          timeoutMs: options.timeout,
          perHost: options.perHost,
          allowPrivate: options.allowPrivate === true,
        };
        const dnsOnly = options.offline ? undefined : new Resolver({ ...resolveOptions, http: false });
        const full = options.offline ? undefined : new Resolver(resolveOptions);
        // One long-lived hasher for the batch: its worker threads start at the first media and serve every report.
        const hasher = matcher ? new Hasher() : undefined;
        if (hasher) closers.push(() => hasher.close());
        const draftsDir = options.notifier ? (options.drafts ?? defaultDraftsDir(options.case)) : undefined;
        const draft = draftsDir
          ? await createDrafter({ notifier: readNotifier(options.notifier), dir: draftsDir, rulesPath: options.rules, producer: TOOL })
          : undefined;
        const tty = process.stderr.isTTY === true;
        let bar: ReturnType<typeof createProgress> | undefined;
        let lastLogged = 0;
        const summary = await runTriage({
          store,
          files,
          read: { map: options.map, format: options.inputFormat, mediaRoot: options.mediaRoot },
          offline: options.offline === true,
          allowPrivate: options.allowPrivate === true,
          ...(dnsOnly && { resolveDns: (url: string) => dnsOnly.resolve(url) }),
          ...(full && { resolve: (url: string) => full.resolve(url) }),
          locate: (target) => lookup.lookup(target),
          ...(hasher && { hasher }),
          ...(matcher && { match: (record: HashRecord) => matcher.match(record) }),
          ...(draft && { draft }),
          algorithms: [...new Set(['sha256' as const, ...hashable])],
          worker: options.worker ?? `${hostname()}:${process.pid}`,
          jobs: options.jobs,
          leaseMs: options.lease,
          producer: TOOL,
          signal: runSignal,
          onProblem: (problem) =>
            process.stderr.write(`vigie: ${problem.file} line ${problem.line}${problem.id ? ` (${problem.id})` : ''}: ${problem.error.message}\n`),
          onProgress: (event) => {
            if (event.stage !== 'processing' || !event.total || isQuiet()) return;
            if (tty) {
              bar ??= createProgress('triage', event.total);
              if (event.done > 0) bar.tick();
            } else if (event.done === event.total || event.done - lastLogged >= Math.max(100, Math.ceil(event.total / 10))) {
              lastLogged = event.done;
              process.stderr.write(`vigie: triage: ${event.done}/${event.total} reports processed, ${event.errors} errors\n`);
            }
          },
        });
        bar?.done();
        const usage = process.resourceUsage();
        const resources = { peakRssBytes: usage.maxRSS * 1024, cpuMs: Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000) };
        if (format === 'jsonl') process.stdout.write(`${JSON.stringify({ ...summary, caseAt: caseLocation(options.case), ...resources })}\n`);
        else process.stdout.write(formatSummary(summary, options.case, draftsDir) + (options.timings ? formatTimings(summary, resources) : ''));
        if (summary.interrupted) process.exitCode = interruptedRunExitCode() ?? ExitCode.interruptedInt;
      } finally {
        for (const close of closers.reverse()) await close().catch(() => undefined);
      }
    });
}

/** Where the case is, for the summary: a SQLite file's full path, a PostgreSQL URL without its password. */
function caseLocation(casePath: string): string {
  return isPostgresLocation(casePath) ? casePath.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@') : resolve(casePath);
}

/** The end-of-batch summary, for people: what this run did and what the case now holds. */
export function formatSummary(summary: TriageSummary, casePath: string, draftsDir?: string): string {
  const { read, case: total } = summary;
  const where = caseLocation(casePath);
  const lines = [
    `reports read     ${read.rows} rows: ${read.added} new, ${read.existing} already in the case, ${read.duplicates} duplicate ids (first kept), ${read.problems} unreadable`,
    `processed        ${summary.processed} reports in this run, ${summary.failed} failed a step`,
    `case             ${total.reports} reports, ${total.urls} URLs, ${total.hosts} hosts`,
    `auto-qualified   ${total.autoQualified}`,
    `needs review     ${total.needsReview}  (vigie case list --case ${basename(casePath) === casePath ? casePath : where} --status needs-review --sort priority)`,
    `failed           ${total.failed}`,
    `notices drafted  ${summary.noticesDrafted} in this run, ${total.notices} in the case${draftsDir ? `, drafts in ${resolve(draftsDir)}` : ' (give --notifier to draft them)'}`,
    `case at          ${where}`,
  ];
  if (summary.remaining > 0) {
    lines.push(
      summary.interrupted
        ? `interrupted      ${summary.remaining} reports left: run the same command again to finish`
        : `still running    ${summary.remaining} reports held by other workers`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `--timings`: per stage, the time the run's work spent on it, summed over the reports in flight, with its share of
 * the work's summed time, and its wall time (at least one call in progress). See src/triage/timings.ts.
 */
export function formatTimings(summary: TriageSummary, resources: { peakRssBytes: number; cpuMs: number }): string {
  const { wallMs, workMs, stages } = summary.timings;
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const lines = [
    `time             ${seconds(wallMs)} wall, ${seconds(resources.cpuMs)} CPU, peak memory ${Math.round(resources.peakRssBytes / 1e6)} MB; ` +
      `work summed over the reports in flight ${seconds(workMs)}, of which:`,
    ...STAGES.map((stage) => {
      const { calls, busyMs, wallMs: stageWall } = stages[stage];
      const share = workMs > 0 ? Math.round((100 * busyMs) / workMs) : 0;
      return `  ${stage.padEnd(15)}${seconds(busyMs).padStart(8)} (${share} %) over ${calls} calls, ${seconds(stageWall)} wall`;
    }),
  ];
  return `${lines.join('\n')}\n`;
}
