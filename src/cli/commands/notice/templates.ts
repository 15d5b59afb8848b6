import type { Command } from 'commander';
import { ExitCode } from '../../../core/errors.js';
import { checkTemplates, SHIPPED_TEMPLATES_DIR, type TemplateFinding } from '../../../notices/index.js';
import { createRecordWriter, resolveFormat, type Column } from '../../output.js';

const COLUMNS: Column<TemplateFinding>[] = [
  { header: 'file', value: (finding) => finding.file },
  { header: 'line', value: (finding) => (finding.line === undefined ? '' : `${finding.line}:${finding.column ?? ''}`) },
  { header: 'problem', value: (finding) => finding.problem },
  { header: 'message', value: (finding) => finding.message },
];

/** `vigie notice templates check <dir>`: the template check of src/notices/render/check.ts, one finding a row. */
export function registerNoticeTemplates(notice: Command): void {
  const templates = notice
    .command('templates')
    .description('check notice templates (Handlebars) before using them with --templates');
  templates
    .command('check')
    .description(
      'parse every <kind>.<lang>.hbs of a folder and list each field the notice model lacks, each helper or construct ' +
        'not allowed, and each required element (reference, URL, observation time, legal basis, good-faith ' +
        'statement) left out',
    )
    .argument('[dir]', 'template folder (default: the shipped templates, data/notices/templates)')
    .option('-f, --format <format>', 'jsonl, csv or table (default: table on a terminal, jsonl otherwise)')
    .addHelpText(
      'after',
      `
Exit code 1 when a template has a problem, 0 when all are clean.
Example:
  vigie notice templates check my-templates/ && vigie notice bundle case.yaml --templates my-templates/ -o out/`,
    )
    .action(async (folder: string | undefined, options: { format?: string }) => {
      const dir = folder ?? SHIPPED_TEMPLATES_DIR;
      const report = await checkTemplates(dir);
      const writer = createRecordWriter(resolveFormat(options.format, false), COLUMNS);
      for (const finding of report.findings) writer.write(finding);
      if (report.findings.length > 0) await writer.close();
      const problems = report.findings.length;
      process.stderr.write(
        `${report.files.length} template${report.files.length === 1 ? '' : 's'} checked in ${dir}: ` +
          `${problems === 0 ? 'no problem' : `${problems} problem${problems === 1 ? '' : 's'}`}\n`,
      );
      if (problems > 0) process.exitCode = ExitCode.findings;
    });
}
