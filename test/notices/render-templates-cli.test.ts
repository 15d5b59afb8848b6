import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonLines, runVigie } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'vigie-templates-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('vigie notice templates check', () => {
  it('passes the shipped templates (exit 0)', async () => {
    const result = await runVigie(['notice', 'templates', 'check']);
    expect(result.stderr).toMatch(/^8 templates checked in .*data\/notices\/templates\/?: no problem\n$/);
    expect(result.stdout).toBe('');
    expect(result.code).toBe(0);
  });

  it('lists every problem as JSON Lines and exits 1', async () => {
    writeFileSync(join(dir, 'host.en.hbs'), 'Subject {{reference}}\n\n{{#each targets}}{{url}} {{observedAt}} {{ip_address}}{{/each}}\n');
    const result = await runVigie(['notice', 'templates', 'check', dir]);
    expect(result.code).toBe(1);
    const findings = jsonLines<{ file: string; problem: string; field?: string; line?: number }>(result.stdout);
    expect(findings.map((finding) => [finding.problem, finding.field])).toEqual([
      ['unknown-field', 'ip_address'],
      ['missing-required', 'legal.articles'],
      ['missing-required', 'statements.goodFaith'],
    ]);
    expect(findings[0]).toMatchObject({ file: 'host.en.hbs', line: 3 });
    expect(result.stderr).toBe(`1 template checked in ${dir}: 3 problems\n`);
  });

  it('a folder that does not exist is one clear line, exit 3', async () => {
    const result = await runVigie(['notice', 'templates', 'check', join(dir, 'missing')]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^vigie: cannot read template folder .*missing: ENOENT[^\n]*\n$/);
  });
});
