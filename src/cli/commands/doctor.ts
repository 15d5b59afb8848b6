import type { Command } from 'commander';
import type { EnvironmentCheck } from '../../core/environment.js';
import { ExitCode } from '../../core/errors.js';
import { checkImageSupport, checkVideoSupport } from '../../hashing/index.js';
import { checkGeoSupport } from '../../net/index.js';
import { embeddedDataVersions } from '../data-versions.js';
import { renderTable } from '../output.js';

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

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('Show which optional and required parts of the toolkit are usable here, with versions and paths.')
    .option('--json', 'one JSON object per check')
    .addHelpText(
      'after',
      `
Examples:
  vigie doctor                              a table of every part, its status and version
  vigie doctor --json | jq 'select(.status != "ok")'

Exit codes: 0 everything required is present, 4 something required is missing.`,
    )
    .action(async (options: { json?: boolean }) => {
      const checks = (await Promise.all(CHECKS.map((check) => check()))).flat();
      if (options.json) {
        for (const check of checks) process.stdout.write(`${JSON.stringify(check)}\n`);
      } else {
        const rows = checks.map((c) => [c.name, c.status, c.required ? 'required' : 'optional', c.detail]);
        process.stdout.write(renderTable(['part', 'status', 'need', 'detail'], rows));
      }
      if (checks.some((check) => check.required && check.status === 'missing')) process.exitCode = ExitCode.environment;
    });
}
