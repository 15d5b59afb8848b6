/**
 * The case store with several processes on one case, and the refusals that must leave a file exactly as it was:
 * two processes on one SQLite file (one waits, then fails clearly; both working share the reports, the file stays
 * sound), three workers on one PostgreSQL case with one killed mid-way (every report finished exactly once), a file
 * that is not SQLite and a case from a newer Vigie (refused, nothing changed). The child processes run the built
 * library (dist/, built by `npm test`'s pretest).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCaseStore } from '../../src/triage/store/index.js';
import { SCHEMA_VERSION } from '../../src/triage/store/migrations.js';
import { postgresBinaries, startPostgres, type RunningPostgres } from '../helpers/postgres.js';
import { REPO_ROOT } from '../helpers/shared.js';
import { refusal, report } from './store-fixtures.js';

const CHILD = join(REPO_ROOT, 'test', 'triage', 'store-child.mjs');
const BUILT = join(REPO_ROOT, 'dist', 'triage', 'store', 'index.js');

interface Child {
  process: ChildProcess;
  lines: Record<string, unknown>[];
  /** Resolves with the first line that has `key`. */
  waitFor(key: string): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
}

function child(args: string[]): Child {
  const process_ = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  const waiters: { key: string; resolve(line: Record<string, unknown>): void }[] = [];
  let stderr = '';
  process_.stderr!.on('data', (chunk) => (stderr += chunk));
  createInterface({ input: process_.stdout! }).on('line', (text) => {
    const line = JSON.parse(text) as Record<string, unknown>;
    lines.push(line);
    for (const waiter of waiters.filter((w) => w.key in line)) waiter.resolve(line);
  });
  const exited = new Promise<number | null>((resolve) =>
    process_.on('exit', (code) => {
      if (code !== 0 && code !== null) process.stderr.write(`store child ${args.join(' ')} exited ${code}: ${stderr}\n`);
      resolve(code);
    }),
  );
  return {
    process: process_,
    lines,
    exited,
    waitFor: (key) =>
      new Promise((resolve) => {
        const seen = lines.find((line) => key in line);
        if (seen) resolve(seen);
        else waiters.push({ key, resolve });
      }),
  };
}

async function snapshot(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort()) files[name] = (await readFile(join(dir, name))).toString('base64');
  return files;
}

let dir: string;
beforeAll(async () => {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run npm run build (npm test does) before these tests`);
  dir = await mkdtemp(join(tmpdir(), 'vigie-store-proc-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('SQLite case files', () => {
  it('refuses a file that is not SQLite, and leaves it exactly as it was', async () => {
    const folder = await mkdtemp(join(dir, 'notdb-'));
    const path = join(folder, 'case.sqlite');
    await writeFile(path, 'id,url\nr1,http://a.example/\n');
    const before = await snapshot(folder);
    const error = await refusal(openCaseStore(path));
    expect(error.code).toBe('case-not-sqlite');
    expect(error.exitCode).toBe(3);
    expect(error.message).toBe(`${path} is not a Vigie case: it is not a SQLite database.`);
    expect(await snapshot(folder)).toEqual(before);
  });

  it('refuses a case from a newer schema version, and leaves the file exactly as it was', async () => {
    const folder = await mkdtemp(join(dir, 'newer-'));
    const path = join(folder, 'case.sqlite');
    const store = await openCaseStore(path);
    await store.addReport(report('r1'));
    await store.close();
    const raw = new Database(path);
    raw.prepare("update meta set value = ? where key = 'schemaVersion'").run(String(SCHEMA_VERSION + 5));
    raw.close();
    const before = await snapshot(folder);
    expect(Object.keys(before)).toEqual(['case.sqlite']);
    const error = await refusal(openCaseStore(path));
    expect([error.code, error.exitCode]).toEqual(['case-newer-schema', 3]);
    expect(await snapshot(folder)).toEqual(before);
  });

  it('makes a second process wait for the write lock, then fail with a clear message; the file stays sound', async () => {
    const path = join(await mkdtemp(join(dir, 'busy-')), 'case.sqlite');
    await (await openCaseStore(path)).close();
    const holder = child(['hold', path, '4000']);
    await holder.waitFor('locked');
    const store = await openCaseStore(path, { busyTimeoutMs: 500 });
    // Readers are not blocked by the writer (WAL).
    expect((await store.totals()).reports).toBe(0);
    const started = Date.now();
    const error = await refusal(store.addReport(report('r1')));
    const waited = Date.now() - started;
    expect(error.code).toBe('case-busy');
    expect(error.exitCode).toBe(4);
    expect(error.message).toMatch(/in use by another process \(waited 0\.5 s for its lock\)/);
    expect(waited).toBeGreaterThanOrEqual(400);
    expect(await holder.exited).toBe(0);
    // Once the other process is done, the same write goes through.
    expect(await store.addReport(report('r1'))).toBe('inserted');
    await store.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('lets two processes share one batch: every report finished once, the file sound', async () => {
    const path = join(await mkdtemp(join(dir, 'two-')), 'case.sqlite');
    const store = await openCaseStore(path);
    await store.addReports(Array.from({ length: 80 }, (_, i) => report(`r${i + 1}`)));
    await store.close();
    const workers = [child(['worker', path, 'a', '60000', '-1']), child(['worker', path, 'b', '60000', '-1'])];
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0]);
    const completed = workers.flatMap((w) => w.lines.flatMap((line) => (line.completed ? [line.completed as string] : [])));
    expect(completed).toHaveLength(80);
    expect(new Set(completed).size).toBe(80);
    expect(workers.every((w) => w.lines.some((line) => line.completed))).toBe(true);
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    const rows = raw.prepare('select count(*) as n from reports where "doneAt" is not null and attempts = 1').get() as { n: number };
    expect(rows.n).toBe(80);
    raw.close();
  });
});

describe('PostgreSQL locations', () => {
  it('says clearly when the server cannot be reached (exit 4), with the password hidden', async () => {
    const error = await refusal(openCaseStore('postgres://vigie:secret@127.0.0.1:1/hotline'));
    expect([error.code, error.exitCode]).toEqual(['case-unreachable', 4]);
    expect(error.message).toBe('cannot reach the PostgreSQL case postgres://vigie:***@127.0.0.1:1/hotline (ECONNREFUSED).');
  });
});

const pgAvailable = postgresBinaries() !== undefined;
describe.skipIf(!pgAvailable)('PostgreSQL case shared by workers', () => {
  let server: RunningPostgres | undefined;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('three workers, one killed mid-way: every report is finished exactly once after its lease expires', async () => {
    const location = await server!.createDatabase();
    const store = await openCaseStore(location);
    const ids = Array.from({ length: 60 }, (_, i) => `r${i + 1}`);
    await store.addReports(ids.map((id) => report(id)));
    const leaseMs = 1500;
    const doomed = child(['worker', location, 'doomed', String(leaseMs), '2']);
    const holding = (await doomed.waitFor('holding')).holding as string[];
    expect(holding.length).toBeGreaterThan(0);
    const workers = [child(['worker', location, 'w1', String(leaseMs), '-1']), child(['worker', location, 'w2', String(leaseMs), '-1'])];
    doomed.process.kill('SIGKILL');
    expect(await doomed.exited).toBe(null);
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0]);

    const completions = [doomed, ...workers].flatMap((w, index) =>
      w.lines.flatMap((line) => (line.completed ? [[line.completed as string, ['doomed', 'w1', 'w2'][index]]] : [])),
    );
    expect(completions.map(([id]) => id).sort()).toEqual([...ids].sort());
    expect(workers.every((w) => w.lines.some((line) => line.completed))).toBe(true);
    const finished = await store.exportReports();
    let count = 0;
    for await (const record of finished) {
      count++;
      expect(record.report.doneAt).toBeDefined();
    }
    expect(count).toBe(60);
    // The killed worker's reports were taken over (claimed a second time) and finished by another worker.
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: location });
    await client.connect();
    const { rows } = await client.query('select id, attempts, "doneBy" from reports where id = any($1)', [holding]);
    await client.end();
    expect(rows).toHaveLength(holding.length);
    for (const row of rows) {
      expect(row.attempts).toBe(2);
      expect(['w1', 'w2']).toContain(row.doneBy);
    }
    expect(await store.workRemaining()).toBe(0);
    await store.close();
  });
});
