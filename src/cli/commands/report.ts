import type { Command } from 'commander';
import { TOOL } from '../../core/producer.js';
import { writeFileAtomic } from '../../core/atomic.js';
import { isoNow } from '../../core/clock.js';
import { ExitCode, VigieError } from '../../core/errors.js';
import { collectFigures, openCaseStore, outcomeRow, renderReportHtml, type ReportOutcomeRow } from '../../triage/index.js';
import { createRecordWriter, resolveFormat, type Column } from '../output.js';


const OUTCOME_KEYS: (keyof ReportOutcomeRow)[] = [
  'id', 'reportedAt', 'source', 'url', 'domain', 'tld', 'hostingCountry', 'hostingProvider', 'status', 'verdict',
  'category', 'decidedBy', 'notices', 'removedAt',
];
const outcomeColumns: Column<ReportOutcomeRow>[] = OUTCOME_KEYS.map((key) => ({ header: key, value: (row) => row[key] }));

/** `2026-01-01` or a full ISO time, as the store compares reception times. */
function parseDate(flag: string) {
  return (text: string) => {
    if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?$/.test(text) || Number.isNaN(Date.parse(text))) {
      throw new VigieError('usage', `${flag} takes a date (2026-01-01) or a UTC time (2026-01-01T00:00:00Z), not "${text}"`, ExitCode.usage);
    }
    return text;
  };
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'The outcome of every report of a case (-f csv|jsonl|table, one line each), or the yearly figures as one ' +
        'self-contained HTML file with charts and tables (-f html): reports by category, source and month, the illegal ' +
        'rate, hosting countries, top-level domains, providers, notices by kind, and the time to removal.',
    )
    .requiredOption('--case <path|url>', 'the case: a SQLite file or postgres://user@host/db')
    .option('-f, --format <format>', 'csv, jsonl, table or html (default: table on a terminal, jsonl otherwise)')
    .option('-o, --output <file>', 'write to this file (atomically) instead of stdout')
    .option('--from <date>', 'reports received on or after this date (UTC)', parseDate('--from'))
    .option('--to <date>', 'reports received before this date (UTC)', parseDate('--to'))
    .option('--lang <lang>', 'language of the HTML report: fr or en', 'fr')
    .option('--top <n>', 'rows per ranking in the HTML report (the rest summed as "others")', (text) => Number(text), 20)
    .addHelpText(
      'after',
      `
Examples:
  vigie report --case case.sqlite -f csv -o outcomes.csv
  vigie report --case case.sqlite -f html --from 2026-01-01 --to 2027-01-01 -o report-2026.html
  vigie report --case postgres://hotline@db.internal/cases -f html --lang en -o report.html

The counts are grouped queries run by the case's database. CSV cells that a spreadsheet would run as formulas are
neutralised. The HTML file requests nothing (no script, no font, no image from elsewhere) and carries no media.
Exit codes: 0 done, 2 usage error, 3 the case cannot be read.`,
    )
    .action(async (options) => {
      if (!['fr', 'en'].includes(options.lang)) throw new VigieError('usage', `--lang is fr or en, not "${options.lang}"`, ExitCode.usage);
      const range = { ...(options.from ? { from: options.from } : {}), ...(options.to ? { to: options.to } : {}) };
      const store = await openCaseStore(options.case);
      try {
        if (options.format === 'html') {
          const figures = await collectFigures(store, {
            range,
            caseName: store.location,
            producer: TOOL,
            observedAt: isoNow(),
          });
          const html = await renderReportHtml(figures, { lang: options.lang, top: options.top });
          if (options.output && options.output !== '-') await writeFileAtomic(options.output, html);
          else process.stdout.write(html);
          return;
        }
        const writer = createRecordWriter(resolveFormat(options.format, options.output !== undefined), outcomeColumns, options.output);
        try {
          // A thousand rows at a time: one chunk for the output, then a pause for it to catch up (flat memory).
          let rows: ReportOutcomeRow[] = [];
          for await (const facts of store.outcomeFacts(range)) {
            if (rows.push(outcomeRow(facts)) < 1000) continue;
            writer.writeMany(rows);
            rows = [];
            await writer.drained();
          }
          writer.writeMany(rows);
          await writer.close();
        } catch (error) {
          await writer.abort();
          throw error;
        }
      } finally {
        await store.close();
      }
    });
}
