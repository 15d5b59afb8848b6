import { setMaxListeners } from 'node:events';
import type { Command } from 'commander';
import { TOOL } from '../../core/producer.js';
import { ExitCode, VigieError } from '../../core/errors.js';
import { Resolver } from '../../net/index.js';
import { parseNow } from '../../notices/index.js';
import { createFollowUps, defaultDraftsDir, openCaseStore, runRecheck, type RecheckRecord, type RecheckSummary } from '../../triage/index.js';
import { parsePositiveInteger } from '../inputs.js';
import { interruptedRunExitCode, runSignal } from '../interrupt.js';
import { createRecordWriter, isQuiet, resolveFormat, summary as summaryLine, type Column } from '../output.js';


const COLUMNS: (keyof RecheckRecord)[] = [
  'url', 'verdict', 'evidence', 'status', 'checkedAt', 'method', 'requests', 'reused', 'firstReportedAt', 'firstNoticeAt', 'removalSecondsFromReport',
  'removalSecondsFromNotice', 'drafted', 'detail',
];
const columns: Column<RecheckRecord>[] = COLUMNS.map((key) => ({
  header: key,
  value: (record) => {
    const value = record[key];
    return Array.isArray(value) ? value.join(' ') : typeof value === 'boolean' ? String(value) : value;
  },
}));

/** `3d 4h`: a time to removal as an analyst reads it in the log. */
function duration(seconds: number): string {
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  return days > 0 ? `${days}d ${hours}h` : `${hours}h ${Math.floor((seconds % 3600) / 60)}m`;
}

export function registerRecheck(program: Command): void {
  program
    .command('recheck')
    .description(
      'Re-check every URL of a case under a sent notice and not yet found removed: online, removed (with the evidence: HTTP 404/410/451, DNS name gone, redirect elsewhere or to a removal page, unreachable several days running) or unreachable; each check stored with its time, and the time to removal. A direct media URL is asked with HEAD: its body is never downloaded. Still online: a reminder to the host, then the notices the routing rules planned "still-online" once due, are drafted into the case (never sent). Removed: the reporter who left an e-mail gets an outcome message drafted. Once a day at most per URL: made to run from cron.',
    )
    .requiredOption('--case <path|url>', 'the case: a SQLite file or postgres://user@host/db')
    .option('--now <time>', 'the time of the checks (UTC ISO 8601; default: now); its date is the day checked')
    .option('--drafts <dir>', 'where follow-ups are drafted (default: <case>.drafts beside a SQLite case, ./vigie-drafts for PostgreSQL)')
    .option('--remind-after <days>', 'days after a host notice was sent before a reminder (default: data/recheck/follow-up.yaml)', parsePositiveInteger('--remind-after'))
    .option('--reporter-lang <lang>', 'language of the reporters\' outcome messages: fr or en', 'fr')
    .option('--no-drafts', 'check only: draft no reminder, notice or reporter message')
    .option('--unreachable-checks <n>', 'unreachable checks in a row that count as removed', parsePositiveInteger('--unreachable-checks'), 3)
    .option('--allow-private', 'request URLs that reach loopback, private, link-local or reserved addresses')
    .option('--resolver <server>', 'DNS server: host:port or an https:// DoH URL (default: system)')
    .option('--timeout <ms>', 'per network request', parsePositiveInteger('--timeout'), 10_000)
    .option('--per-host <n>', 'parallel requests to one host', parsePositiveInteger('--per-host'), 2)
    .option('-j, --jobs <n>', 'URLs checked in parallel', parsePositiveInteger('--jobs'), 8)
    .option('-f, --format <format>', 'jsonl, csv or table (default: table on a terminal, jsonl otherwise)')
    .option('-o, --output <file>', 'write the records to this file (atomically) instead of stdout')
    .addHelpText(
      'after',
      `
Examples:
  vigie recheck --case case.sqlite
  vigie recheck --case postgres://hotline@db.internal/cases -f csv -o recheck-$(date +%F).csv

From cron, every morning (plain log lines on stderr when not on a terminal):
  15 7 * * * vigie recheck --case /srv/case.sqlite 2>>/var/log/vigie.log

A second run the same UTC day makes no request and stores no check; what was drafted is never drafted again.
Exit codes: 0 everything under notice is removed, 1 something is still online (or unreachable), 2 usage error,
3 a check failed or the case cannot be read, 4 environment, 130/143 interrupted.`,
    )
    .action(async (options) => {
      const now = parseNow(options.now);
      if (!['fr', 'en'].includes(options.reporterLang)) {
        throw new VigieError('usage', `--reporter-lang is fr or en, not "${options.reporterLang}"`, ExitCode.usage);
      }
      const store = await openCaseStore(options.case, { producer: TOOL });
      // Each request in flight listens to the interruption: one signal of the run's own, sized for -j of them.
      const controller = new AbortController();
      setMaxListeners(options.jobs * 4 + 16, controller.signal);
      const interrupt = () => controller.abort(runSignal.reason);
      runSignal.addEventListener('abort', interrupt, { once: true });
      try {
        const resolveOptions = {
          dns: { resolver: options.resolver },
          timeoutMs: options.timeout,
          perHost: options.perHost,
          allowPrivate: options.allowPrivate === true,
          signal: controller.signal,
        };
        const pages = new Resolver(resolveOptions);
        const media = new Resolver({ ...resolveOptions, head: true });
        const draftsDir = options.drafts ?? defaultDraftsDir(options.case);
        const draft =
          options.drafts === false
            ? undefined
            : await createFollowUps({ dir: draftsDir, reminderAfterDays: options.remindAfter, reporterLanguage: options.reporterLang, producer: TOOL });
        const totals: RecheckSummary = { urls: 0, online: 0, removed: 0, unreachable: 0, errors: 0, reused: 0, requests: 0, drafted: 0, durationMs: 0 };
        const writer = createRecordWriter(resolveFormat(options.format, options.output !== undefined), columns, options.output);
        const log = !process.stderr.isTTY && !isQuiet();
        try {
          const records = runRecheck(
            store,
            {
              now,
              resolve: (url, head) => (head ? media : pages).resolve(url),
              jobs: options.jobs,
              unreachableChecks: options.unreachableChecks,
              ...(draft && { draft }),
              producer: TOOL,
              signal: controller.signal,
            },
            totals,
          );
          for await (const record of records) {
            writer.write(record);
            if (log) {
              const removal = record.removalSecondsFromReport === undefined ? '' : ` after ${duration(record.removalSecondsFromReport)} from the report`;
              const drafted = record.drafted.length > 0 ? `, drafted ${record.drafted.join(', ')}` : '';
              process.stderr.write(`${record.checkedAt} ${record.verdict} ${record.evidence}${removal}${record.reused ? ' (checked earlier today)' : ''}${drafted}: ${record.url}\n`);
            }
          }
          await writer.close();
        } catch (error) {
          await writer.abort();
          throw error;
        }
        summaryLine(
          `recheck: ${totals.urls} URLs under notice: ${totals.online} online, ${totals.removed} removed, ${totals.unreachable} unreachable, ` +
            `${totals.errors} failed checks; ${totals.requests} requests (${totals.reused} checked earlier today); ` +
            `${totals.drafted} follow-ups drafted${totals.drafted > 0 ? ` in ${draftsDir}` : ''} (${(totals.durationMs / 1000).toFixed(1)} s)`,
        );
        process.exitCode =
          interruptedRunExitCode() ??
          (totals.errors > 0 ? ExitCode.input : totals.online + totals.unreachable > 0 ? ExitCode.findings : ExitCode.ok);
      } finally {
        runSignal.removeEventListener('abort', interrupt);
        await store.close();
      }
    });
}
