import { readFileSync } from 'node:fs';
import { Command, CommanderError, Help, type Option } from 'commander';
import { ExitCode, VigieError } from '../core/errors.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

type Register = (program: Command) => void;

/**
 * Every command, in the order `vigie --help` lists them. A command's module (and the domain modules, sharp, undici…
 * behind it) is imported only when that command runs or its help is asked for: start-up stays a bare Node start.
 */
const COMMANDS: { name: string; summary: string; load: () => Promise<Register> }[] = [
  {
    name: 'triage',
    summary: 'triage a batch of reports into a case: resolve, locate, match, auto-qualify, draft notices',
    load: () => import('./commands/triage.js').then((module) => module.registerTriage),
  },
  {
    name: 'case',
    summary: 'list, show, decide on, review and export the reports of a triage case',
    load: () => import('./commands/case.js').then((module) => module.registerCase),
  },
  {
    name: 'hash',
    summary: 'hash media files: MD5/SHA-1/SHA-256, PDQ, blockhash, vPDQ',
    load: () => import('./commands/hash.js').then((module) => module.registerHash),
  },
  {
    name: 'match',
    summary: 'match media or hashes against hash sets (exact and perceptual)',
    load: () => import('./commands/match.js').then((module) => module.registerMatch),
  },
  {
    name: 'hashset',
    summary: 'import, export, compare, merge, sign and verify hash lists',
    load: () => import('./commands/hashset.js').then((module) => module.registerHashset),
  },
  {
    name: 'resolve',
    summary: 'clean reported URLs and follow them: DNS records, every redirect hop, final location',
    load: () => import('./commands/resolve.js').then((module) => module.registerResolve),
  },
  {
    name: 'geo',
    summary: 'where a URL, domain or IP is hosted, and its abuse contacts (GeoIP, RDAP, WHOIS)',
    load: () => import('./commands/geo.js').then((module) => module.registerGeo),
  },
  {
    name: 'notice',
    summary: 'draft notices: host takedown, registrar, PHAROS report, INHOPE/ICCAM referral',
    load: () => import('./commands/notice/index.js').then((module) => module.registerNotice),
  },
  {
    name: 'report',
    summary: 'the outcome of every report of a case, or the yearly figures as an HTML report with charts',
    load: () => import('./commands/report.js').then((module) => module.registerReport),
  },
  {
    name: 'recheck',
    summary: 'daily re-check of the URLs under notice: removed or still online, reminders and due notices drafted',
    load: () => import('./commands/recheck.js').then((module) => module.registerRecheck),
  },
  {
    name: 'config',
    summary: 'the effective configuration and where each value comes from',
    load: () => import('./commands/config.js').then((module) => module.registerConfig),
  },
  {
    name: 'doctor',
    summary: 'check the tools and databases this machine provides',
    load: () => import('./commands/doctor.js').then((module) => module.registerDoctor),
  },
];

/** `-o <set>`: how a required option is written in a usage line. */
function requiredTerm(option: Option): string {
  const value = /[<[].*$/.exec(option.flags)?.[0];
  return [option.short ?? option.long, value].filter(Boolean).join(' ');
}

/**
 * Help as commander lays it out (wrapped once, at the terminal's width when stdout is one, else 80 columns), with
 * required options marked: in the usage line (`vigie hashset sign [options] --key <private> <set>`) and in their
 * description (`required: …`), since commander's own help does not tell them from the others.
 */
const HELP: Partial<Help> = {
  sortSubcommands: false,
  commandUsage(this: Help, command: Command) {
    const usage = Help.prototype.commandUsage.call(this, command);
    const required = command.options.filter((option) => option.mandatory).map(requiredTerm);
    return required.length === 0 ? usage : usage.replace('[options]', `[options] ${required.join(' ')}`);
  },
  optionDescription(this: Help, option: Option) {
    const description = Help.prototype.optionDescription.call(this, option);
    return option.mandatory ? `required: ${description}` : description;
  },
};

/** Commander's parse errors as vigie's other errors: one line on stderr (exit 2 is set by runCli), its suggestion too. */
const outputError = (text: string, write: (text: string) => void) =>
  write(`vigie: ${text.replace(/^error: /, '').trim().replace(/\s*\n\s*/g, ' ')} (run with --help for usage)\n`);

/** The command an argument list runs (`vigie hash …`, `vigie help hash`, `vigie --config f.yaml hash`), if any. */
function invokedCommand(args: string[]): string | undefined {
  return args.find((arg) => COMMANDS.some((command) => command.name === arg));
}

/**
 * Whether commander may print help for these arguments: asked for (`-h`, `--help`, `help`), or a command group reached
 * without its subcommand (`vigie`, `vigie hashset`), unless the run only prints the version. A command that runs never
 * prints help, so it does not load the help layout.
 */
function helpMayShow(program: Command, args: string[]): boolean {
  if (args.some((arg) => arg === '-h' || arg === '--help' || arg === 'help')) return true;
  if (args.some((arg) => arg === '-V' || arg === '--version')) return false;
  let reached = program;
  for (const arg of args) reached = reached.commands.find((command) => command.name() === arg) ?? reached;
  return reached.commands.length > 0;
}

/** The program with the command that `argv` runs fully defined, and every other one listed by its summary. */
export async function buildProgram(argv: string[]): Promise<Command> {
  const program = new Command('vigie')
    .description('Toolkit for internet hotline analysts: hash media, match hash lists, resolve and locate URLs.')
    .version(version, '-V, --version')
    .option('-q, --quiet', 'no progress bar and no summary lines on stderr (errors are still shown)')
    .option('--config <file>', 'config file (default: $VIGIE_CONFIG, else $XDG_CONFIG_HOME/vigie/config.yaml or ~/.config/vigie/config.yaml)')
    .configureOutput({ outputError })
    .configureHelp(HELP)
    .exitOverride();
  // Shared options (config layer, -o checks, -j clamp, --quiet) before any command's work; loaded only when one runs.
  program.hook('preAction', async (_, action) => (await import('./output.js')).prepareSharedOptions(program, action));
  program.addHelpText(
    'after',
    `
Exit codes: 0 ok, 1 findings (when asked to fail on them), 2 usage error, 3 input error, 4 environment error
(a required tool or database is missing), 70 internal error, 130/143 interrupted (SIGINT/SIGTERM).
Docs: README.md. Run "vigie <command> --help" for a command's options and examples.`,
  );
  const invoked = invokedCommand(argv.slice(2));
  for (const { name, summary, load } of COMMANDS) {
    if (name === invoked) (await load())(program);
    else program.command(name);
    program.commands[program.commands.length - 1].summary(summary);
  }
  for (const command of program.commands) command.exitOverride();
  if (helpMayShow(program, argv.slice(2))) (await import('./help-layout.js')).layOutHelpTexts(program);
  return program;
}

/** Runs the CLI; resolves to the process exit code. Every failure ends as one line on stderr, never a stack trace. */
export async function runCli(argv: string[]): Promise<number> {
  try {
    await (await buildProgram(argv)).parseAsync(argv);
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
    return ExitCode.internal;
  }
}
