import type { Command } from 'commander';
import type { Category } from '../../core/categories.js';
import { ExitCode, VigieError } from '../../core/errors.js';
import {
  caseView,
  openCaseStore,
  parseCategory,
  REPORT_STATUSES,
  reviewLines,
  type CaseReport,
  type CaseStore,
  type Decision,
  type DecisionChange,
  type ReportStatus,
  type ReportSummary,
} from '../../triage/index.js';
import { defangUrl } from '../../notices/index.js';
import { createRecordWriter, resolveFormat, type Column } from '../output.js';
import { parsePositiveInteger } from '../inputs.js';

const DEFAULT_CASE = 'vigie-case.sqlite';

const listColumns: Column<ReportSummary>[] = [
  { header: 'id', value: (r) => r.id, fixed: true },
  { header: 'status', value: (r) => r.status },
  { header: 'priority', value: (r) => r.priority },
  { header: 'source', value: (r) => r.source },
  { header: 'reported', value: (r) => r.reportedAt },
  { header: 'url', value: (r) => defangUrl(r.url) },
  { header: 'claimed', value: (r) => r.categoryClaimed },
  { header: 'category', value: (r) => (r.category ? `${r.category.scheme} ${r.category.value}` : '') },
];

/** `case export` as CSV or a table: one row per report, the list's columns and what triage and the analyst found. */
const exportColumns: Column<CaseReport>[] = [
  { header: 'id', value: (r) => r.report.id, fixed: true },
  { header: 'status', value: (r) => r.report.status },
  { header: 'priority', value: (r) => r.report.priority },
  { header: 'source', value: (r) => r.report.source },
  { header: 'reported', value: (r) => r.report.reportedAt },
  { header: 'url', value: (r) => defangUrl(r.url?.url ?? r.report.url) },
  { header: 'claimed', value: (r) => r.report.categoryClaimed },
  { header: 'verdict', value: (r) => r.decision?.verdict ?? automaticVerdict(r) },
  { header: 'category', value: (r) => categoryText(r.decision?.category ?? r.qualification?.category) },
  { header: 'decided by', value: (r) => (r.decision ? `analyst ${r.decision.analyst}` : r.qualification ? 'automatic' : '') },
  { header: 'country', value: (r) => r.hosting?.info.addresses[0]?.country },
  { header: 'matches', value: (r) => r.media.reduce((count, media) => count + (media.matchRecord?.matches.length ?? 0), 0) },
  { header: 'error', value: (r) => r.report.error && `${r.report.error.step}: ${r.report.error.message}` },
];

/** Auto-qualified content is illegal by the set's category; otherwise triage decided nothing. */
function automaticVerdict(report: CaseReport): string | undefined {
  return report.qualification?.status === 'auto-qualified' ? 'illegal' : undefined;
}

function categoryText(category: Category | undefined): string {
  return category ? `${category.scheme}:${category.value}` : '';
}

const decisionColumns: Column<{ id: string; decision: Decision }>[] = [
  { header: 'id', value: (r) => r.id, fixed: true },
  { header: 'verdict', value: (r) => r.decision.verdict },
  { header: 'category', value: (r) => categoryText(r.decision.category) },
  { header: 'note', value: (r) => r.decision.note },
  { header: 'analyst', value: (r) => r.decision.analyst },
  { header: 'decided', value: (r) => r.decision.decidedAt },
  { header: 'revision', value: (r) => r.decision.revision },
];

/** One report as `field value` rows (`url.resolution.hops[0].status  200`), for `case show` as CSV or a table. */
function fieldRows(value: unknown, path = ''): { field: string; value: string }[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => fieldRows(item, `${path}[${index}]`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => fieldRows(item, path ? `${path}.${key}` : key));
  }
  return value === undefined ? [] : [{ field: path, value: String(value) }];
}

const fieldColumns: Column<{ field: string; value: string }>[] = [
  { header: 'field', value: (row) => row.field },
  { header: 'value', value: (row) => row.value },
];

function parseStatuses(text: string): ReportStatus[] {
  const statuses = text.split(',').map((part) => part.trim());
  for (const status of statuses) {
    if (!(REPORT_STATUSES as readonly string[]).includes(status)) {
      throw new VigieError('usage', `--status: unknown status "${status.slice(0, 30)}" (known: ${REPORT_STATUSES.join(', ')})`, ExitCode.usage);
    }
  }
  return statuses as ReportStatus[];
}

/** The analyst's pseudonym: `--analyst`, else VIGIE_ANALYST; never guessed from the system user (a real name). */
function analystOf(option: string | undefined): string {
  const analyst = option ?? process.env.VIGIE_ANALYST;
  if (!analyst?.trim()) {
    throw new VigieError('usage', 'a decision needs the analyst\'s pseudonym: --analyst <pseudonym> or VIGIE_ANALYST', ExitCode.usage);
  }
  return analyst.trim();
}

async function withCase<T>(location: string, body: (store: CaseStore) => Promise<T>): Promise<T> {
  const store = await openCaseStore(location);
  try {
    return await body(store);
  } finally {
    await store.close();
  }
}

async function requireReport(store: CaseStore, id: string) {
  const report = await store.showReport(id);
  if (!report) throw new VigieError('case-unknown-report', `the case has no report "${id.slice(0, 80)}"`, ExitCode.input);
  return report;
}

export function registerCase(program: Command): void {
  const command = program
    .command('case')
    .description('Read and decide on the reports of a case made by "vigie triage" (a SQLite file or postgres://…).');
  const caseOption = ['--case <path|url>', `case store (default ./${DEFAULT_CASE})`, DEFAULT_CASE] as const;

  command
    .command('list')
    .description('List reports: the review queue with --status needs-review --sort priority')
    .option(...caseOption)
    .option('--status <list>', `only these statuses (comma-separated): ${REPORT_STATUSES.join(', ')}`, parseStatuses)
    .option('--sort <order>', 'priority (review queue: highest first) or reported (default)', 'reported')
    .option('--limit <n>', 'at most this many', parsePositiveInteger('--limit'))
    .option('-f, --format <format>', 'jsonl, csv or table (default: table on a terminal, jsonl otherwise)')
    .option('-o, --output <file>', 'write to this file (atomically) instead of stdout')
    .action(async (options) => {
      if (options.sort !== 'priority' && options.sort !== 'reported') {
        throw new VigieError('usage', `--sort takes priority or reported, not "${options.sort}"`, ExitCode.usage);
      }
      const format = resolveFormat(options.format, options.output !== undefined);
      await withCase(options.case, async (store) => {
        const writer = createRecordWriter(format, listColumns, options.output);
        for (const report of await store.listReports({ status: options.status, sort: options.sort, limit: options.limit })) writer.write(report);
        await writer.close();
      });
    });

  command
    .command('show')
    .description('Everything known about one report, with provenance (media withheld for auto-qualified content)')
    .argument('<report>', 'report id')
    .option(...caseOption)
    .option('-f, --format <format>', 'jsonl (the record on one line), csv or table (one field per row; default on a terminal)')
    .option('-o, --output <file>', 'write to this file (atomically) instead of stdout')
    .action(async (id: string, options) => {
      const format = resolveFormat(options.format, options.output !== undefined);
      await withCase(options.case, async (store) => {
        const view = caseView(await requireReport(store, id));
        if (format === 'jsonl') {
          const writer = createRecordWriter('jsonl', [], options.output);
          writer.write(view);
          await writer.close();
          return;
        }
        const writer = createRecordWriter(format, fieldColumns, options.output);
        for (const row of fieldRows(view)) writer.write(row);
        await writer.close();
      });
    });

  command
    .command('export')
    .description('Every report with everything known, as JSON Lines (one record per report, with its id); as CSV or a table, one row per report with its outcome')
    .option(...caseOption)
    .option('-f, --format <format>', 'jsonl (default, everything known), csv or table (one row per report)', 'jsonl')
    .option('-o, --output <file>', 'write to this file (atomically) instead of stdout')
    .action(async (options) => {
      const format = resolveFormat(options.format, options.output !== undefined);
      await withCase(options.case, async (store) => {
        const writer = createRecordWriter(format, exportColumns, options.output);
        try {
          let written = 0;
          for await (const report of store.exportReports()) {
            writer.write(caseView(report));
            // SQLite reads synchronously: without a pause for the output, a big case would wait in memory.
            if (++written % 500 === 0) await writer.drained();
          }
        } catch (error) {
          await writer.abort();
          throw error;
        }
        await writer.close();
      });
    });

  command
    .command('set')
    .description('Record an analyst\'s decision on a report (kept with the pseudonym and time; never overwritten by triage)')
    .argument('<report>', 'report id')
    .option(...caseOption)
    .option('--category <scheme:value>', 'the content is illegal, of this category (e.g. vics-us:1, caid:B)')
    .option('--not-illegal', 'the content is not illegal')
    .option('--note <text>', 'a note for the case')
    .option('--analyst <pseudonym>', 'who decides (default: VIGIE_ANALYST)')
    .option('-f, --format <format>', 'how the stored decision is printed: jsonl (default), csv or table', 'jsonl')
    .action(async (id: string, options) => {
      const format = resolveFormat(options.format, false);
      if (options.category && options.notIllegal) throw new VigieError('usage', '--category and --not-illegal exclude each other', ExitCode.usage);
      if (!options.category && !options.notIllegal && options.note === undefined) {
        throw new VigieError('usage', 'give --category, --not-illegal or --note', ExitCode.usage);
      }
      const change: DecisionChange = {
        ...(options.category && { verdict: 'illegal' as const, category: parseCategory(options.category) }),
        ...(options.notIllegal && { verdict: 'not-illegal' as const }),
        ...(options.note !== undefined && { note: String(options.note) }),
      };
      const analyst = analystOf(options.analyst);
      await withCase(options.case, async (store) => {
        await requireReport(store, id);
        const writer = createRecordWriter(format, decisionColumns);
        writer.write({ id, decision: await store.setDecision(id, change, analyst) });
        await writer.close();
      });
    });

  command
    .command('review')
    .description('Walk the review queue on a terminal and record decisions (as "vigie case set" does)')
    .option(...caseOption)
    .option('--analyst <pseudonym>', 'who decides (default: VIGIE_ANALYST)')
    .option('--limit <n>', 'reports to review in this session', parsePositiveInteger('--limit'), 50)
    .action(async (options) => {
      if (!process.stdin.isTTY || !process.stdout.isTTY) {
        throw new VigieError(
          'usage',
          'vigie case review needs a terminal; in scripts, record decisions with: vigie case set <report> --category … | --not-illegal [--note …]',
          ExitCode.usage,
        );
      }
      const analyst = analystOf(options.analyst);
      const { select, input } = await import('@inquirer/prompts');
      await withCase(options.case, async (store) => {
        const queue = await store.listReports({ status: ['needs-review'], sort: 'priority', limit: options.limit });
        if (queue.length === 0) process.stdout.write('vigie: the review queue is empty\n');
        for (const [index, summary] of queue.entries()) {
          const report = await requireReport(store, summary.id);
          process.stdout.write(`\n[${index + 1}/${queue.length}] priority ${summary.priority}\n${reviewLines(report).join('\n')}\n`);
          const choice = await select({
            message: 'Decision',
            choices: [
              { name: 'illegal: give the category', value: 'illegal' },
              { name: 'not illegal', value: 'not-illegal' },
              { name: 'note only', value: 'note' },
              { name: 'skip', value: 'skip' },
              { name: 'stop reviewing', value: 'stop' },
            ],
          });
          if (choice === 'stop') break;
          if (choice === 'skip') continue;
          const change: DecisionChange = {};
          if (choice === 'illegal') {
            const category = await input({
              message: 'Category (scheme:value, e.g. vics-us:1)',
              validate: (text) => {
                try {
                  parseCategory(text);
                  return true;
                } catch (error) {
                  return (error as Error).message;
                }
              },
            });
            Object.assign(change, { verdict: 'illegal', category: parseCategory(category) });
          }
          if (choice === 'not-illegal') change.verdict = 'not-illegal';
          const note = await input({ message: 'Note (empty for none)' });
          if (note.trim()) change.note = note.trim();
          if (Object.keys(change).length > 0) await store.setDecision(summary.id, change, analyst);
        }
      });
    });
}
