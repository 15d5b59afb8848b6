import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ExitCode, VigieError } from '../core/errors.js';
import { versionText } from './data-versions.js';
import { registerDoctor } from './commands/doctor.js';
import { registerGeo } from './commands/geo.js';
import { registerHash } from './commands/hash.js';
import { registerMatch } from './commands/match.js';
import { registerHashset } from './commands/hashset.js';
import { registerResolve } from './commands/resolve.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export function buildProgram(): Command {
  const program = new Command('vigie')
    .description('Toolkit for internet hotline analysts: hash media, match hash lists, resolve and locate URLs.')
    .version(versionText(version), '-V, --version', 'output the version number and the versions of the embedded data')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: false })
    .exitOverride();
  program.addHelpText(
    'after',
    `
Exit codes: 0 ok, 1 findings (when asked to fail on them), 2 usage error, 3 input error, 4 environment error
(a required tool or database is missing), 70 internal error.
Docs: README.md. Run "vigie <command> --help" for a command's options and examples.`,
  );
  registerHash(program);
  registerMatch(program);
  registerHashset(program);
  registerResolve(program);
  registerGeo(program);
  registerDoctor(program);
  for (const command of program.commands) command.exitOverride();
  return program;
}

/** Runs the CLI; resolves to the process exit code. Every failure ends as one line on stderr, never a stack trace. */
export async function runCli(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return process.exitCode === undefined ? ExitCode.ok : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    if (error instanceof VigieError) {
      process.stderr.write(`vigie: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`vigie: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (process.env.VIGIE_DEBUG) console.error(error);
    return 70;
  }
}
