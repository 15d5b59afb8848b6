import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runVigie } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/shared.js';

const SAMPLES = join(REPO_ROOT, 'samples');

let dir: string;
let caseFile: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigie-case-formats-'));
  const set = join(dir, 'known.vhs');
  await copyFile(join(SAMPLES, 'reports-known.vhs'), set);
  caseFile = join(dir, 'case.sqlite');
  const triage = await runVigie(['triage', join(SAMPLES, 'reports.csv'), '--offline', '--against', set, '--case', caseFile]);
  expect(triage.code, triage.stderr).toBe(0);
}, 120_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

interface Exported {
  report: { id: string; status: string };
  qualification?: { status: string };
}

describe('vigie case show and export take -f jsonl|csv|table', () => {
  it('export: JSON Lines by default (everything known); CSV has one row per report with its outcome', async () => {
    const records = jsonLines<Exported>((await runVigie(['case', 'export', '--case', caseFile])).stdout);
    expect(records).toHaveLength(200);
    const csv = await runVigie(['case', 'export', '--case', caseFile, '-f', 'csv']);
    expect(csv.code, csv.stderr).toBe(0);
    const rows = parse(csv.stdout, { columns: true }) as Record<string, string>[];
    expect(rows.map((row) => row.id)).toEqual(records.map((record) => record.report.id));
    const auto = rows.filter((row) => row.status === 'auto-qualified');
    expect(auto.length).toBe(records.filter((record) => record.report.status === 'auto-qualified').length);
    expect(auto.length).toBeGreaterThan(0);
    for (const row of auto) expect(row).toMatchObject({ verdict: 'illegal', 'decided by': 'automatic' });
    expect(auto.every((row) => Number(row.matches) > 0 && /^[a-z-]+:/.test(row.category))).toBe(true);
    // URLs are defanged in the rows people open, as in `case list`.
    expect(rows.every((row) => !/^https?:\/\//.test(row.url))).toBe(true);
  });

  it('show: the record on one line for scripts, field/value rows as CSV, withheld media stays withheld', async () => {
    const records = jsonLines<Exported>((await runVigie(['case', 'export', '--case', caseFile])).stdout);
    const id = records.find((record) => record.report.status === 'auto-qualified')!.report.id;
    const jsonl = await runVigie(['case', 'show', id, '--case', caseFile, '-f', 'jsonl']);
    expect(jsonl.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(jsonl.stdout).report.id).toBe(id);
    const csv = await runVigie(['case', 'show', id, '--case', caseFile, '-f', 'csv']);
    const rows = parse(csv.stdout, { columns: true }) as { field: string; value: string }[];
    expect(rows).toContainEqual({ field: 'report.id', value: id });
    expect(rows.filter((row) => row.field.endsWith('.path')).every((row) => row.value.startsWith('(withheld'))).toBe(true);
    expect(rows.some((row) => /\.(png|jpe?g)$/.test(row.value))).toBe(false);
    const bad = await runVigie(['case', 'show', id, '--case', caseFile, '-f', 'xml']);
    expect(bad.code).toBe(2);
  });

  it('set: the stored decision as JSON by default, as a CSV row with -f csv', async () => {
    const records = jsonLines<Exported>((await runVigie(['case', 'export', '--case', caseFile])).stdout);
    const id = records.find((record) => record.report.status === 'needs-review')!.report.id;
    const set = await runVigie(['case', 'set', id, '--case', caseFile, '--note', 'looked at', '--analyst', 'a-7']);
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ id, decision: { note: 'looked at', analyst: 'a-7', revision: 1 } });
    const csv = await runVigie(['case', 'set', id, '--case', caseFile, '--not-illegal', '--analyst', 'a-7', '-f', 'csv']);
    expect(parse(csv.stdout, { columns: true })).toEqual([expect.objectContaining({ id, verdict: 'not-illegal', note: 'looked at', analyst: 'a-7', revision: '2' })]);
  });
});
