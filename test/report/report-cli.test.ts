import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runVigie } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/shared.js';

/** Cells of a CSV file as Python's csv module reads them (the reader a spreadsheet user's script would use). */
function pythonCsv(path: string): string[][] {
  const script = 'import csv, json, sys\nprint(json.dumps(list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))))';
  return JSON.parse(execFileSync('python3', ['-c', script, path], { encoding: 'utf8' })) as string[][];
}

/** The body rows of one section's table in the HTML report: label → count. */
function tableCounts(html: string, id: string): Map<string, number> {
  const section = html.match(new RegExp(`<section id="${id}">(.*?)</section>`, 's'))?.[1] ?? '';
  const body = section.match(/<tbody>(.*?)<\/tbody>/s)?.[1] ?? '';
  return new Map(
    [...body.matchAll(/<tr><th scope="row">(.*?)<\/th><td>(.*?)<\/td>/gs)].map((row) => [row[1], Number(row[2].replace(/\D/g, ''))]),
  );
}

const count = (values: string[]) => values.reduce((map, value) => map.set(value, (map.get(value) ?? 0) + 1), new Map<string, number>());

describe('vigie report on the sample batch', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-report-cli-'));
  const casePath = join(dir, 'case.sqlite');
  let rows: Record<string, string>[];
  let html: string;

  beforeAll(async () => {
    // The sample batch plus hostile rows: a formula, markup and quotes where the store keeps what reporters typed.
    const hostile = [
      'H-1,"http://evil.test/""quoted""/<b>x</b>",2026-11-20T10:00:00Z,"=HYPERLINK(""http://x.test"";""y"")",,,,',
      'H-2,http://other.test/a,2026-11-21T10:00:00Z,<script>alert(1)</script>,,,,',
      'H-3,http://third.test/a,2026-11-22T10:00:00Z,+cmd|calc,,,,',
      'H-4,http://fourth.test/a,2026-11-22T11:00:00Z,@SUM(A1),,,,',
    ];
    const reports = join(dir, 'reports.csv');
    const sample = readFileSync(join(REPO_ROOT, 'samples/reports.csv'), 'utf8').replace(/,([a-z]+\.png),/g, `,${join(REPO_ROOT, 'samples')}/$1,`);
    writeFileSync(reports, `${sample.trimEnd()}\n${hostile.join('\n')}\n`);
    const triage = await runVigie(
      ['triage', reports, '--offline', '--against', join(REPO_ROOT, 'samples/reports-known.vhs'), '--case', casePath, '--media-root', REPO_ROOT, '-q'],
    );
    expect(triage.code, triage.stderr).toBe(0);
    const csv = await runVigie(['report', '--case', casePath, '-f', 'csv', '-o', join(dir, 'outcomes.csv')]);
    expect(csv.code, csv.stderr).toBe(0);
    const [header, ...body] = pythonCsv(join(dir, 'outcomes.csv'));
    rows = body.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i]])));
    const report = await runVigie(['report', '--case', casePath, '-f', 'html', '--lang', 'en', '--top', '100', '-o', join(dir, 'report.html')]);
    expect(report.code, report.stderr).toBe(0);
    html = readFileSync(join(dir, 'report.html'), 'utf8');
  });

  it('exports one row per report, formula cells neutralised', () => {
    expect(rows).toHaveLength(204);
    for (const row of rows) {
      for (const cell of Object.values(row)) expect(cell, cell).not.toMatch(/^[=+\-@\t\r]/);
    }
    expect(rows.find((row) => row.id === 'H-1')?.source).toBe(`'=HYPERLINK("http://x.test";"y")`);
    expect(rows.find((row) => row.id === 'H-3')?.source).toBe("'+cmd|calc");
  });

  it("the HTML report's figures equal the counts of the CSV export", () => {
    const illegal = rows.filter((row) => row.verdict === 'illegal');
    expect(illegal.length).toBeGreaterThan(0);
    const keyFigures = new Map(
      [...html.matchAll(/<dt>(.*?)<\/dt><dd>(.*?)<\/dd>/g)].map((match) => [match[1], match[2].replace(/\D/g, '')]),
    );
    expect(Number(keyFigures.get('Reports received'))).toBe(rows.length);
    expect(Number(keyFigures.get('Illegal content'))).toBe(illegal.length);
    const escaped = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    const sources = new Map([...count(rows.map((row) => row.source.replace(/^'(?=[=+\-@])/, '')))].map(([key, n]) => [escaped(key), n]));
    expect(tableCounts(html, 'sources')).toEqual(sources);
    expect(tableCounts(html, 'months')).toEqual(count(rows.map((row) => row.reportedAt.slice(0, 7))));
    expect(tableCounts(html, 'tlds')).toEqual(new Map([...count(illegal.map((row) => `.${row.tld}`))]));
    expect(tableCounts(html, 'categories')).toEqual(count(illegal.map((row) => row.category)));
  });

  it('escapes what reporters typed', () => {
    expect(html).not.toMatch(/<script|<b>x/);
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
  });
});
