import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { jsonLines, runVigie } from '../helpers/cli.js';

/**
 * Commands without -f, each for a reason. `case review` is interactive;
 * `notice new` asks questions on the terminal and writes a case file (-o), it has no records to print.
 */
const WITHOUT_FORMAT: Record<string, string> = {
  'vigie notice new': 'interactive; its output is the case file',
  'vigie case review': 'interactive: asks for each decision on the terminal',
};

const pathOf = (command: Command): string => (command.parent ? `${pathOf(command.parent)} ${command.name()}` : command.name());

async function leafCommands(): Promise<Command[]> {
  const names = (await buildProgram(['node', 'vigie'])).commands.map((command) => command.name());
  const leaves: Command[] = [];
  const walk = (command: Command) => (command.commands.length === 0 ? leaves.push(command) : command.commands.forEach(walk));
  for (const name of names) walk((await buildProgram(['node', 'vigie', name])).commands.find((command) => command.name() === name)!);
  return leaves;
}

describe('-f on every command', () => {
  it('every command that prints records takes -f, --format (the exceptions say why)', async () => {
    const missing = (await leafCommands())
      .filter((command) => !command.options.some((option) => option.short === '-f' && option.long === '--format'))
      .map(pathOf);
    expect(missing.sort()).toEqual(Object.keys(WITHOUT_FORMAT).sort());
  }, 60_000);
});

describe('hashset keygen, sign and export, and doctor, in each format', () => {
  let dir: string;
  const A = 'd41d8cd98f00b204e9800998ecf8427e';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-formats-'));
    writeFileSync(join(dir, 'list.txt'), `${A}\n`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keygen: its record (key paths, key id) as JSON Lines in a pipe, CSV or a table on request', async () => {
    const jsonl = await runVigie(['hashset', 'keygen', join(dir, 'ci')]);
    expect(jsonl.code).toBe(0);
    const [record] = jsonLines<Record<string, string>>(jsonl.stdout);
    expect(record).toEqual({ privateKey: join(dir, 'ci.key'), publicKey: join(dir, 'ci.pub'), keyId: expect.stringMatching(/^[0-9a-f]{16}$/) });
    const csv = await runVigie(['hashset', 'keygen', join(dir, 'other'), '-f', 'csv']);
    expect(csv.stdout.split('\n')[0]).toBe('privateKey,publicKey,keyId');
    const table = await runVigie(['hashset', 'keygen', join(dir, 'third'), '-f', 'table']);
    expect(table.stdout).toMatch(/^privateKey +publicKey +keyId\n─+/);
  });

  it('sign: manifest path, sequence, total, signature path and key id', async () => {
    const result = await runVigie(['hashset', 'sign', join(dir, 'list.txt'), '--type', 'md5', '--key', join(dir, 'ci.key'), '--sequence', '7', '-f', 'jsonl']);
    expect(result.code).toBe(0);
    expect(jsonLines(result.stdout)).toEqual([
      {
        manifest: join(dir, 'list.txt.manifest.json'),
        sequence: 7,
        total: 1,
        signature: join(dir, 'list.txt.manifest.json.sig'),
        keyId: expect.stringMatching(/^[0-9a-f]{16}$/),
      },
    ]);
    const csv = await runVigie(['hashset', 'sign', join(dir, 'list.txt'), '--type', 'md5', '--key', join(dir, 'ci.key'), '-f', 'csv']);
    expect(csv.stdout.split('\n')[0]).toBe('manifest,sequence,total,signature,keyId');
    expect(csv.stdout.split('\n')[1]).toMatch(/,7,1,/);
  });

  it('export: what was written and what was left out', async () => {
    const store = join(dir, 'set.vhs');
    expect((await runVigie(['hashset', 'import', join(dir, 'list.txt'), '--type', 'md5', '-o', store])).code).toBe(0);
    const result = await runVigie(['hashset', 'export', store, '--to', 'plain', '-o', join(dir, 'out.txt'), '-f', 'jsonl']);
    expect(result.code).toBe(0);
    expect(jsonLines(result.stdout)).toEqual([{ set: store, output: join(dir, 'out.txt'), to: 'plain', written: 1, leftOut: {} }]);
    expect(existsSync(join(dir, 'out.txt'))).toBe(true);
  });

  it('doctor: a table by default (read by people, in CI logs too), JSON Lines or CSV on request; --json still works', async () => {
    const table = await runVigie(['doctor']);
    expect(table.stdout).toMatch(/^part +status +need +detail\n/);
    const csv = await runVigie(['doctor', '-f', 'csv']);
    expect(csv.stdout.split('\n')[0]).toBe('part,status,need,detail');
    const json = await runVigie(['doctor', '-f', 'jsonl']);
    const alias = await runVigie(['doctor', '--json']);
    expect(jsonLines(json.stdout).map((check) => check.name)).toEqual(jsonLines(alias.stdout).map((check) => check.name));
  });

  it('an unknown format is a usage error, one line', async () => {
    const result = await runVigie(['hashset', 'keygen', join(dir, 'bad'), '-f', 'xml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('vigie: unknown format "xml" (use jsonl, csv or table)\n');
    expect(existsSync(join(dir, 'bad.key'))).toBe(false);
  });
});
