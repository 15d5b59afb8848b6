import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCaseStore } from '../../src/triage/index.js';
import { jsonLines, runVigie } from '../helpers/cli.js';
import { postgresBinaries, startPostgres, type RunningPostgres } from '../helpers/postgres.js';
import { REPO_ROOT } from '../helpers/shared.js';

const available = postgresBinaries() !== undefined;

describe.skipIf(!available)('vigie triage: three workers on one PostgreSQL case, one killed', () => {
  let server: RunningPostgres;
  let dir: string;
  beforeAll(async () => {
    server = (await startPostgres({ fsync: false }))!;
    dir = await mkdtemp(join(tmpdir(), 'vigie-triage-pg-'));
    await copyFile(join(REPO_ROOT, 'samples/reports-known.vhs'), join(dir, 'known.vhs'));
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('processes every report exactly once, the killed worker\'s reports taken over', async () => {
    const url = await server.createDatabase();
    const args = (worker: string) => [
      join(REPO_ROOT, 'bin/vigie.js'), 'triage', join(REPO_ROOT, 'samples/reports.csv'), '--offline',
      '--against', join(dir, 'known.vhs'), '--case', url, '--worker', worker, '--lease', '3000', '-j', '2',
    ];
    const run = (child: ChildProcess) => new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    const workers = ['w1', 'w2', 'w3'].map((name) => spawn(process.execPath, args(name), { stdio: 'ignore' }));
    const done = workers.map(run);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    workers[1].kill('SIGKILL');
    const codes = await Promise.all(done);
    expect(codes[0]).toBe(0);
    expect(codes[2]).toBe(0);
    const exported = jsonLines<{ report: { id: string; status: string } }>((await runVigie(['case', 'export', '--case', url])).stdout);
    expect(exported).toHaveLength(200);
    expect(new Set(exported.map((record) => record.report.id)).size).toBe(200);
    for (const record of exported) expect(['auto-qualified', 'needs-review', 'failed']).toContain(record.report.status);
    const store = await openCaseStore(url);
    try {
      expect(await store.workRemaining()).toBe(0);
      const totals = await store.totals();
      expect(totals.reports).toBe(200);
      expect(totals.duplicates).toBe(0);
      // Each report's steps were recorded once: a report taken over resumes, it does not start again.
      for (const record of exported.slice(0, 50)) {
        const shown = (await store.showReport(record.report.id))!;
        const steps = shown.steps.map((step) => step.step);
        expect(new Set(steps).size).toBe(steps.length);
        expect(shown.media.length).toBeLessThanOrEqual(2);
      }
    } finally {
      await store.close();
    }
  }, 180_000);
});
