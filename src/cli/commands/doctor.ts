import type { Command } from 'commander';
import type { EnvironmentCheck } from '../../core/environment.js';
import { ExitCode } from '../../core/errors.js';
import { renderTable } from '../output.js';

/**
 * Every domain's environment checks; a domain with optional parts adds its function here. Loaded when doctor runs,
 * so that registering the command does not load sharp or maxmind for every other command.
 */
const CHECKS: (() => Promise<EnvironmentCheck[]>)[] = [
  async () => (await import('../../hashing/environment.js')).checkImageSupport(),
  async () => (await import('../../hashing/video/environment.js')).checkVideoSupport(),
  async () => (await import('../../net/environment.js')).checkGeoSupport(),
  async () =>
    (await import('../data-versions.js')).embeddedDataVersions().map((data) => ({
      name: `data: ${data.name}`,
      status: data.version === 'unknown' ? 'degraded' : 'ok',
      required: false,
      detail: `${data.version} (${data.source})`,
    })),
];

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .summary('check the tools and databases this machine provides')
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
