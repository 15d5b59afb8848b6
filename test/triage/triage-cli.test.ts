import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runVigie } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/shared.js';

const SAMPLES = join(REPO_ROOT, 'samples');
const KNOWN = ['gradient.png', 'shapes.png', 'transformed/gradient-q60.jpg', 'transformed/shapes-resized.png'];

interface Exported {
  report: { id: string; status: string; media?: string; line: number };
  qualification?: { status: string; illegal?: boolean | null; basis?: { set: string; distance: number }; reasons: string[] };
  url?: { flags: string[] };
  media: { path: string }[];
  steps: { step: string }[];
}

let dir: string;
let set: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigie-triage-'));
  // A copy of the sample set, so that the index cache is written in the test folder, not in samples/.
  set = join(dir, 'known.vhs');
  await copyFile(join(SAMPLES, 'reports-known.vhs'), set);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const triage = (caseFile: string, extra: string[] = [], reports = join(SAMPLES, 'reports.csv')) =>
  runVigie(['triage', reports, '--offline', '--against', set, '--case', caseFile, ...extra]);

async function exported(caseFile: string): Promise<Exported[]> {
  const result = await runVigie(['case', 'export', '--case', caseFile]);
  expect(result.code).toBe(0);
  return jsonLines<Exported>(result.stdout);
}

/** The export without the times of this run (stored, done, observed…), to compare two runs' stores. */
function normalised(records: Exported[]): unknown {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value)
          .filter(([key]) => !/(At|timestamp)$/.test(key))
          .map(([key, inner]) => [key, key === 'steps' ? (inner as { step: string }[]).map((s) => s.step).sort() : strip(inner)]),
      );
    }
    return value;
  };
  return records.map(strip);
}

describe('vigie triage on the 200 sample reports (offline)', () => {
  let caseFile: string;
  let first: Exported[];
  beforeAll(async () => {
    caseFile = join(dir, 'sample.sqlite');
    const result = await triage(caseFile);
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/reports read\s+200 rows: 200 new/);
    expect(result.stdout).toMatch(/auto-qualified\s+[1-9]/);
    first = await exported(caseFile);
  }, 120_000);

  it('gives every report an outcome', () => {
    expect(first).toHaveLength(200);
    for (const record of first) expect(['auto-qualified', 'needs-review', 'failed']).toContain(record.report.status);
  });

  it('auto-qualifies the known sample media with their list provenance, and withholds their paths', async () => {
    const csv = (await readFile(join(SAMPLES, 'reports.csv'), 'utf8')).trim().split('\n').slice(1);
    const mediaOf = new Map(csv.map((line) => [line.split(',')[0], line.split(',')[6]]));
    const known = first.filter((record) => KNOWN.includes(mediaOf.get(record.report.id) ?? ''));
    expect(known.length).toBeGreaterThan(10);
    for (const record of known) {
      expect(record.report.status).toBe('auto-qualified');
      expect(record.qualification?.basis?.set).toBe('vigie-sample-known');
      expect(JSON.stringify(record)).not.toMatch(/gradient|shapes/);
    }
    const negative = first.filter((record) => mediaOf.get(record.report.id) === 'text.png');
    expect(negative.length).toBeGreaterThan(0);
    for (const record of negative) {
      expect(record.report.status).toBe('needs-review');
      expect(record.qualification?.illegal).toBe(false);
      expect(record.qualification?.reasons.join(' ')).toMatch(/NEGATIVE_CLASS/);
    }
  });

  it('adds nothing when the same batch runs twice', async () => {
    const again = await triage(caseFile);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/200 rows: 0 new, 200 already in the case/);
    expect(again.stdout).toMatch(/processed\s+0 reports/);
    expect(normalised(await exported(caseFile))).toEqual(normalised(first));
  }, 60_000);

  it('keeps an analyst decision over later automatic steps', async () => {
    const target = first.find((record) => record.report.status === 'needs-review')!.report.id;
    const set = await runVigie(['case', 'set', target, '--case', caseFile, '--category', 'vics-us:1', '--note', 'seen', '--analyst', 'analyst-7']);
    expect(set.code).toBe(0);
    await triage(caseFile);
    const shown = JSON.parse((await runVigie(['case', 'show', target, '--case', caseFile])).stdout);
    expect(shown.report.status).toBe('qualified');
    expect(shown.decision).toMatchObject({ verdict: 'illegal', analyst: 'analyst-7', note: 'seen' });
    expect(shown.audit.length).toBeGreaterThan(0);
    const list = await runVigie(['case', 'list', '--case', caseFile, '--status', 'needs-review', '--sort', 'priority', '-f', 'csv']);
    const rows = list.stdout.trim().split('\n').slice(1).map((line) => Number(line.split(',')[2]));
    expect(rows.length).toBeGreaterThan(10);
    expect([...rows].sort((a, b) => b - a)).toEqual(rows);
  }, 60_000);

  it('gives the time per stage with --timings, and the summary as one JSON object with -f jsonl', async () => {
    const timed = await triage(join(dir, 'timed.sqlite'), ['--timings']);
    expect(timed.code).toBe(0);
    expect(timed.stdout).toMatch(/^time\s+[\d.]+ s wall, [\d.]+ s CPU, peak memory \d+ MB/m);
    for (const stage of ['read', 'clean', 'hash', 'match', 'qualify', 'store']) {
      expect(timed.stdout).toMatch(new RegExp(`^  ${stage}\\s+[\\d.]+ s \\(\\d+ %\\) over \\d+ calls, [\\d.]+ s wall$`, 'm'));
    }
    const json = await triage(join(dir, 'json.sqlite'), ['-f', 'jsonl']);
    expect(json.code).toBe(0);
    const summary = JSON.parse(json.stdout);
    expect(summary).toMatchObject({ processed: 200, read: { rows: 200, added: 200 }, caseAt: join(dir, 'json.sqlite') });
    expect(summary.case.reports).toBe(200);
    expect(summary.case.autoQualified).toBe(first.filter((record) => record.report.status === 'auto-qualified').length);
    // One hash per report with a media file (notes.txt included: hashed, not perceptual).
    const withMedia = first.filter((record) => record.media.length > 0).length;
    expect(summary.timings.stages.hash.calls).toBe(withMedia);
    expect(summary.timings.stages.store.calls).toBeGreaterThan(200);
    expect(summary.peakRssBytes).toBeGreaterThan(10e6);
    const csv = await triage(join(dir, 'csv.sqlite'), ['-f', 'csv']);
    expect(csv.code).toBe(2);
    expect(csv.stderr).toMatch(/table or jsonl/);
  }, 120_000);

  it('refuses a review without a terminal, pointing to case set', async () => {
    const result = await runVigie(['case', 'review', '--case', caseFile, '--analyst', 'a']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/vigie case set/);
  });

  it('resumes after SIGKILL at several points to the same final store', async () => {
    for (const delay of [400, 900, 1600]) {
      const killed = join(dir, `killed-${delay}.sqlite`);
      const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/vigie.js'), 'triage', join(SAMPLES, 'reports.csv'), '--offline', '--against', set, '--case', killed, '--lease', '2000'], { stdio: 'ignore' });
      // Listened to at once: a run that ends before the kill must not be waited for forever.
      const closed = new Promise((resolve) => child.on('close', resolve));
      await new Promise((resolve) => setTimeout(resolve, delay));
      child.kill('SIGKILL');
      await closed;
      const rerun = await triage(killed, ['--lease', '2000']);
      expect(rerun.code).toBe(0);
      expect(rerun.stdout).toMatch(/200 rows: \d+ new, \d+ already in the case/);
      expect(normalised(await exported(killed))).toEqual(normalised(first));
    }
  }, 180_000);
});

describe('vigie triage on hostile input', () => {
  const HEADER = 'id,url,reported_at,source,category_claimed,ip,media,hashes\n';

  it('keeps the first of duplicate ids, reads past broken quoting, flags private addresses, refuses a 100 KB URL', async () => {
    const reports = join(dir, 'hostile.csv');
    await writeFile(
      reports,
      HEADER +
        'H1,https://a.example/1,2026-11-02T10:00:00Z,public-form\n' +
        'H1,https://b.example/2,2026-11-02T10:00:00Z,public-form\n' +
        'H2,"https://c.example/,2026-11-02T10:00:00Z,public-form\n' +
        'H3,http://127.0.0.1/x,2026-11-02T10:00:00Z,public-form\n' +
        'H4,http://10.0.0.1/x,2026-11-02T10:00:00Z,public-form\n' +
        'H5,http://169.254.169.254/latest/meta-data/,2026-11-02T10:00:00Z,public-form\n' +
        'H6,http://[::1]/x,2026-11-02T10:00:00Z,public-form\n' +
        `H7,https://d.example/${'a'.repeat(100_000)},2026-11-02T10:00:00Z,public-form\n` +
        'H8,https://e.example/,2026-11-02T10:00:00Z,public-form,,,../../etc/passwd,\n',
    );
    const caseFile = join(dir, 'hostile.sqlite');
    const result = await triage(caseFile, [], reports);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/line 4.*broken CSV quoting/);
    expect(result.stdout).toMatch(/1 duplicate ids/);
    const records = await exported(caseFile);
    const byId = new Map(records.map((record) => [record.report.id, record]));
    expect(byId.get('H1')!.report.line).toBe(2);
    for (const id of ['H3', 'H4', 'H5', 'H6']) expect(byId.get(id)!.url?.flags).toContain('private-address');
    expect(byId.get('H7')!.report.status).toBe('failed');
    expect(byId.get('H8')!.report.status).toBe('failed');
    expect(byId.has('H2')).toBe(false);
  }, 60_000);

  it('refuses an unknown mapping (exit 2) and a case that is not SQLite or is newer (exit 3), changing nothing', async () => {
    const mapped = await triage(join(dir, 'm.sqlite'), ['--map', 'link=Link']);
    expect(mapped.code).toBe(2);
    expect(mapped.stderr).toMatch(/unknown report field "link"/);
    const notSqlite = join(dir, 'not.sqlite');
    await writeFile(notSqlite, 'this is not a database\n');
    const before = await stat(notSqlite);
    const refused = await triage(notSqlite);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/not a Vigie case/);
    expect((await stat(notSqlite)).mtimeMs).toBe(before.mtimeMs);
    const newer = join(dir, 'newer.sqlite');
    await triage(newer, [], join(dir, 'hostile.csv'));
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(newer);
    db.prepare("update meta set value = '999' where key = 'schemaVersion'").run();
    db.close();
    const refusedNewer = await triage(newer);
    expect(refusedNewer.code).toBe(3);
    expect(refusedNewer.stderr).toMatch(/newer Vigie/);
  }, 60_000);
});
