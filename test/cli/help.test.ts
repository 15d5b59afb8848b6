import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layOutHelpText } from '../../src/cli/help-layout.js';
import { buildProgram } from '../../src/cli/program.js';
import { runVigie } from '../helpers/cli.js';
import { runInTerminal } from './terminal.js';

/**
 * Every command and subcommand, each fully defined (a command's module is loaded only when it is invoked) as for
 * `--help` (the help layout is loaded only when help may be printed).
 */
async function allCommands(): Promise<Command[]> {
  const root = await buildProgram(['node', 'vigie', '--help']);
  const names = root.commands.map((command) => command.name());
  const found: Command[] = [root];
  const walk = (command: Command) => {
    found.push(command);
    command.commands.forEach(walk);
  };
  for (const name of names) {
    const program = await buildProgram(['node', 'vigie', name, '--help']);
    walk(program.commands.find((command) => command.name() === name)!);
  }
  return found;
}

const pathOf = (command: Command): string => (command.parent ? `${pathOf(command.parent)} ${command.name()}` : command.name());

/** `command --help` as commander prints it to a terminal `width` columns wide, help texts included. */
function helpAt(command: Command, width: number): string {
  let text = '';
  command.configureOutput({ writeOut: (chunk) => (text += chunk), getOutHelpWidth: () => width, getOutHasColors: () => false });
  command.outputHelp();
  return text;
}

const tooLong = (text: string, width: number) => text.split('\n').filter((line) => [...line].length > width);

let commands: Command[];
beforeAll(async () => {
  commands = await allCommands();
}, 60_000);

describe('--help of every command', () => {
  it('covers every command and subcommand', () => {
    const paths = commands.map(pathOf);
    for (const expected of ['vigie', 'vigie hash', 'vigie match', 'vigie hashset import', 'vigie hashset sign', 'vigie resolve', 'vigie geo', 'vigie doctor', 'vigie config show', 'vigie notice templates check', 'vigie notice send', 'vigie triage', 'vigie case list', 'vigie report']) {
      expect(paths).toContain(expected);
    }
  });

  it('no description, summary or option text is broken by a hard newline: commander wraps it once', () => {
    const broken: string[] = [];
    for (const command of commands) {
      const texts = [
        ['description', command.description()],
        ['summary', command.summary()],
        ...command.options.map((option) => [option.flags, option.description]),
        ...command.registeredArguments.map((argument) => [argument.name(), argument.description]),
      ];
      for (const [what, text] of texts) if (text.includes('\n')) broken.push(`${pathOf(command)} ${what}: ${JSON.stringify(text.slice(0, 60))}`);
    }
    expect(broken).toEqual([]);
  });

  it.each([80, 120])('fits %i columns, examples and exit codes included', (width) => {
    const overflow: string[] = [];
    for (const command of commands) for (const line of tooLong(helpAt(command, width), width)) overflow.push(`${pathOf(command)}: ${line}`);
    expect(overflow).toEqual([]);
  });

  it('wraps descriptions at the width it is given', () => {
    const match = commands.find((command) => pathOf(command) === 'vigie match')!;
    const narrow = helpAt(match, 80);
    const wide = helpAt(match, 120);
    expect(narrow.split('\n').length).toBeGreaterThan(wide.split('\n').length);
    expect(wide.split('\n').some((line) => line.length > 100)).toBe(true);
    // A sentence flows on: the description's first line at 120 columns holds more than the 80-column one.
    expect(wide).toMatch(/^Match files and directories .{80,}$/m);
  });

  it('marks required options, in the usage line and in their description', () => {
    const required = commands.flatMap((command) => command.options.filter((option) => option.mandatory).map((option) => ({ command, option })));
    expect(required.map(({ command, option }) => `${pathOf(command)} ${option.long}`)).toEqual(
      expect.arrayContaining([
        'vigie match --against',
        'vigie hashset import --output',
        'vigie hashset export --to',
        'vigie hashset export --output',
        'vigie hashset merge --output',
        'vigie hashset dedupe --output',
        'vigie hashset sign --key',
        'vigie notice new --output',
        'vigie notice bundle --output',
        'vigie notice send --smtp',
        'vigie report --case',
      ]),
    );
    for (const { command, option } of required) {
      const help = helpAt(command, 100);
      const usage = help.split('\n')[0];
      expect(usage, pathOf(command)).toContain(option.short ?? option.long);
      expect(help, pathOf(command)).toMatch(new RegExp(`${option.flags.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} +required: `));
    }
    expect(helpAt(commands.find((command) => pathOf(command) === 'vigie hashset sign')!, 100).split('\n')[0]).toBe(
      'Usage: vigie hashset sign [options] --key <private> <set>',
    );
  });
});

describe('layOutHelpText', () => {
  it('joins hand-broken prose and wraps it; a sentence starting on its own line stays a new line', () => {
    const text = 'Exit codes: 0 done, 2 usage error, 3 at least one\ninput failed.\nIndexes are cached.';
    expect(layOutHelpText(text, 80)).toBe('Exit codes: 0 done, 2 usage error, 3 at least one input failed.\nIndexes are cached.');
    expect(layOutHelpText(text, 40)).toBe('Exit codes: 0 done, 2 usage error, 3 at\nleast one input failed.\nIndexes are cached.');
  });

  it('keeps examples that fit; puts a too-wide example\'s description under it and continues its command with \\', () => {
    const fits = '  vigie hash a.jpg    hash one file\n  vigie hash dir/      every file';
    expect(layOutHelpText(fits, 80)).toBe(fits);
    const wide = `  vigie doctor -f jsonl | jq 'select(.status != "ok" and .required == true)' --arg x y    only what is broken`;
    expect(layOutHelpText(wide, 50).split('\n')).toEqual([
      '  vigie doctor -f jsonl | jq \\',
      `    'select(.status != "ok" and .required == true)' \\`,
      '    --arg x y',
      '      only what is broken',
    ]);
  });

  it('keeps blank lines and an indented sample (YAML) as written', () => {
    const text = 'Config file:\n  dns:\n    resolver: 9.9.9.9\n\nExamples:';
    expect(layOutHelpText(text, 80)).toBe(text);
  });
});

describe('a usage error: a missing required option, an unknown one', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-help-'));
    writeFileSync(join(dir, 'list.txt'), 'd41d8cd98f00b204e9800998ecf8427e\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    [['hashset', 'sign', 'list.txt'], "required option '--key <private>' not specified"],
    [['hashset', 'import', 'list.txt'], "required option '-o, --output <set>' not specified"],
    [['hashset', 'export', 'set.vhs', '-o', 'out.txt'], "required option '--to <name>' not specified"],
    [['match', 'list.txt'], "required option '--against <sets...>' not specified"],
    [['report'], "required option '--case <path|url>' not specified"],
    [['notice', 'send', 'bundle'], "required option '--smtp <url>' not specified"],
    [['hash', '--formt', 'csv', 'list.txt'], "unknown option '--formt' (Did you mean --format?)"],
  ])('vigie %j: one line, exit 2 (usage), nothing done', async (args, message) => {
    const result = await runVigie(args, { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`vigie: ${message} (run with --help for usage)\n`);
    expect(result.stdout).toBe('');
  });
});

describe('help on a real terminal', () => {
  it.each([80, 120])('follows the terminal width (%i columns)', async (width) => {
    const { code, output } = await runInTerminal(['match', '--help'], { columns: width });
    expect(code).toBe(0);
    expect(tooLong(output, width)).toEqual([]);
    const longest = Math.max(...output.split('\n').map((line) => line.length));
    // Wrapped at the terminal's width, not at commander's 80-column default for pipes.
    expect(longest).toBeGreaterThan(width - 20);
  });
});
