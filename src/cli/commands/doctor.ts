import type { Command } from 'commander';
import type { EnvironmentCheck } from '../../core/environment.js';
import { ExitCode } from '../../core/errors.js';
import { checkImageSupport, checkVideoSupport } from '../../hashing/index.js';
import { checkGeoSupport } from '../../net/index.js';
import { embeddedDataVersions } from '../data-versions.js';
import { addSummaryFormatOptions, createRecordWriter, summaryFormat, type Column } from '../output.js';

/** Every domain's environment checks, and the embedded data versions; a domain with optional parts adds its function here. */
const CHECKS: (() => Promise<EnvironmentCheck[]>)[] = [checkImageSupport, checkVideoSupport, checkGeoSupport, checkDataVersions];

async function checkDataVersions(): Promise<EnvironmentCheck[]> {
  return embeddedDataVersions().map((data) => ({
    name: `data: ${data.name}`,
    status: data.version === 'unknown' ? 'degraded' : 'ok',
    required: false,
    detail: `${data.version} (${data.source})`,
  }));
}

const COLUMNS: Column<EnvironmentCheck>[] = [
  { header: 'part', value: (c) => c.name },
  { header: 'status', value: (c) => c.status },
  { header: 'need', value: (c) => (c.required ? 'required' : 'optional') },
  { header: 'detail', value: (c) => c.detail },
];

export function registerDoctor(program: Command): void {
  const command = program
    .command('doctor')
    .description('Show which optional and required parts of the toolkit are usable here, with versions and paths.');
  addSummaryFormatOptions(command, 'one row per part')
    .addHelpText(
      'after',
      `
Examples:
  vigie doctor                              a table of every part, its status and version
  vigie doctor -f jsonl | jq 'select(.status != "ok")'

Exit codes: 0 everything required is present, 4 something required is missing.`,
    )
    .action(async (options: { json?: boolean; format?: string }) => {
      const checks = (await Promise.all(CHECKS.map((check) => check()))).flat();
      const writer = createRecordWriter(summaryFormat(options), COLUMNS);
      for (const check of checks) writer.write(check);
      await writer.close();
      if (checks.some((check) => check.required && check.status === 'missing')) process.exitCode = ExitCode.environment;
    });
}
