/**
 * The case store's behaviour, one suite run against both backends: an SQLite file and a real PostgreSQL server
 * (initdb + pg_ctl in a temporary directory; skipped with a message when PostgreSQL is not installed).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCaseStore, type CaseReport, type CaseStore } from '../../src/triage/store/index.js';
import { SCHEMA_VERSION } from '../../src/triage/store/migrations.js';
import { postgresBinaries, startPostgres, type RunningPostgres } from '../helpers/postgres.js';
import { OBSERVED, PRODUCER, hashRecord, hosting, matchRecord, provenance, refusal, report, resolution } from './store-fixtures.js';

interface BackendCase {
  name: 'sqlite' | 'postgres';
  available: boolean;
}

const backends: BackendCase[] = [
  { name: 'sqlite', available: true },
  { name: 'postgres', available: postgresBinaries() !== undefined },
];

/** The store's Kysely instance, for the raw statements a test needs to try (tampering with the audit table). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function rawDb(store: CaseStore): Kysely<any> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return (store as unknown as { db: Kysely<any> }).db;
}

/** Runs every step of the pipeline for one report as triage will: each step's records, then its checkpoint. */
async function runSteps(store: CaseStore, id: string): Promise<void> {
  const input = report(id);
  await store.addReport(input);
  const url = `http://site-${id}.example/page`;
  const host = `site-${id}.example`;
  await store.transaction(async (tx) => {
    await tx.recordUrl(id, { url, host, domain: host, tld: 'example', flags: ['defanged'] });
    await tx.markStepDone(id, 'clean', PRODUCER);
  });
  await store.transaction(async (tx) => {
    await tx.recordResolution(url, resolution(url), provenance);
    await tx.markStepDone(id, 'resolve', PRODUCER);
  });
  await store.recordHosting(host, hosting(host, 'NL'), provenance);
  await store.markStepDone(id, 'locate', PRODUCER);
  await store.recordMedia(id, { path: 'media/a.png', hashRecord: hashRecord('media/a.png') }, provenance);
  await store.recordMatches(id, 'media/a.png', matchRecord('media/a.png'), provenance);
  await store.recordQualification(
    id,
    {
      status: 'auto-qualified',
      category: { scheme: 'vics-us', value: '1', label: 'CAM' },
      illegal: true,
      priority: 0,
      reasons: ['vics-us category 1, from set sample, distance 2'],
      basis: { set: 'sample', entry: 'f'.repeat(64), signal: 'pdq', distance: 2, source: 'own' },
    },
    provenance,
  );
  await store.recordNotice({
    id: `notice-host-${host}`,
    kind: 'host',
    status: 'draft',
    recipient: 'Example Hosting BV',
    reportIds: [id],
    files: [`drafts/notice-host-${host}.eml`],
    record: { id: `notice-host-${host}` },
    createdAt: OBSERVED,
    producer: PRODUCER,
  });
  await store.markStepDone(id, 'notice', PRODUCER);
}

async function everything(store: CaseStore): Promise<CaseReport[]> {
  const all: CaseReport[] = [];
  for await (const record of store.exportReports(2)) all.push(record);
  return all;
}

describe.each(backends)('case store on $name', (backend) => {
  let server: RunningPostgres | undefined;
  let dir: string;
  const open: CaseStore[] = [];

  async function newLocation(): Promise<string> {
    if (backend.name === 'postgres') return server!.createDatabase();
    return join(await mkdtemp(join(dir, 'case-')), 'case.sqlite');
  }
  async function openNew(location?: string): Promise<CaseStore> {
    const store = await openCaseStore(location ?? (await newLocation()));
    open.push(store);
    return store;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigie-store-'));
    if (backend.name === 'postgres' && backend.available) server = await startPostgres();
  });
  afterAll(async () => {
    for (const store of open) await store.close().catch(() => undefined);
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  describe.skipIf(!backend.available)('', () => {
    it('creates a case at the current schema version, and reopens it without change', async () => {
      const location = await newLocation();
      const store = await openCaseStore(location);
      expect(store.dialect).toBe(backend.name);
      const meta = await rawDb(store).selectFrom('meta').selectAll().execute();
      expect(Object.fromEntries(meta.map((row) => [row.key, row.value]))).toMatchObject({
        format: 'vigie-case',
        schemaVersion: String(SCHEMA_VERSION),
      });
      await store.addReport(report('r1'));
      await store.close();
      const again = await openNew(location);
      expect((await again.totals()).reports).toBe(1);
    });

    it('keeps the first of two reports with one id, records the duplicate once, and a re-run adds nothing', async () => {
      const store = await openNew();
      const first = report('r1', { source: 'partner-a' });
      const repeat = report('r1', { source: 'partner-b', line: 7 });
      expect(await store.addReports([first, report('r2'), repeat])).toEqual(['inserted', 'inserted', 'duplicate']);
      expect(await store.addReports([first, report('r2'), repeat])).toEqual(['existing', 'existing', 'duplicate']);
      expect((await store.showReport('r1'))?.report.source).toBe('partner-a');
      const duplicates = await store.duplicates();
      expect(duplicates.map((d) => [d.id, d.line, d.input.source])).toEqual([['r1', 7, 'partner-b']]);
      expect((await store.totals()).reports).toBe(2);
    });

    it('stores one URL reported twice as one URL with two reports', async () => {
      const store = await openNew();
      await store.addReports([report('r1'), report('r2')]);
      const facts = { url: 'http://same.example/x', host: 'same.example', domain: 'same.example', tld: 'example', flags: [] };
      const a = await store.recordUrl('r1', facts);
      const b = await store.recordUrl('r2', facts);
      expect(a).toBe(b);
      expect((await store.totals()).urls).toBe(1);
      expect((await store.showReport('r2'))?.url?.url).toBe('http://same.example/x');
    });

    it('takes a 100 KB URL (its key is a digest, not the text)', async () => {
      const store = await openNew();
      await store.addReport(report('r1'));
      const url = `http://long.example/${'a'.repeat(100_000)}`;
      await store.recordUrl('r1', { url, flags: [] });
      expect((await store.showReport('r1'))?.url?.url).toHaveLength(url.length);
    });

    it('is idempotent: running every step twice leaves the case exactly as once', async () => {
      const store = await openNew();
      await runSteps(store, 'r1');
      await runSteps(store, 'r2');
      const once = await everything(store);
      const totals = await store.totals();
      await runSteps(store, 'r1');
      await runSteps(store, 'r2');
      expect(await everything(store)).toEqual(once);
      expect(await store.totals()).toEqual(totals);
      expect(once).toHaveLength(2);
      // The second report went through the statements compiled for the first: its own values, not the first's.
      expect(once[1].url?.url).toBe('http://site-r2.example/page');
      expect(once[1].url?.resolution?.hops[1].url).toBe('http://site-r2.example/pagenext');
      expect(once[1].hosting?.info.host).toBe('site-r2.example');
      expect(once[1].notices[0].reportIds).toEqual(['r2']);
      const shown = once[0];
      expect(shown.url?.resolution?.hops).toHaveLength(2);
      expect(shown.url?.resolutionProvenance).toEqual(provenance);
      expect(shown.hosting?.info.addresses[0].country).toBe('NL');
      expect(shown.media[0].matchRecord?.matches).toHaveLength(2);
      expect(shown.qualification).toMatchObject({ status: 'auto-qualified', provenance });
      expect(shown.report.status).toBe('auto-qualified');
      expect(shown.notices.map((n) => n.id)).toEqual(['notice-host-site-r1.example']);
      expect(shown.steps.map((s) => s.step).sort()).toEqual(['clean', 'locate', 'notice', 'resolve']);
      const hops = await rawDb(store).selectFrom('hops').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      expect(Number(hops.n)).toBe(4);
      const matches = await rawDb(store).selectFrom('matches').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      expect(Number(matches.n)).toBe(2); // the rot90 hit of the same entry is the same match
    });

    it('checkpoints steps so that a resumed batch knows what is finished', async () => {
      const store = await openNew();
      await store.addReports([report('r1'), report('r2')]);
      await store.markStepDone('r1', 'resolve', PRODUCER);
      await store.markStepDone('r1', 'resolve', 'someone else');
      expect(await store.isStepDone('r1', 'resolve')).toBe(true);
      expect(await store.isStepDone('r2', 'resolve')).toBe(false);
      const done = await store.stepsDone(['r1', 'r2']);
      expect([...done.get('r1')!]).toEqual(['resolve']);
      expect(done.get('r2')!.size).toBe(0);
      expect((await store.showReport('r1'))?.steps).toEqual([{ step: 'resolve', doneAt: expect.any(String), producer: PRODUCER }]);
      // Several steps in one statement, one of them already done: the earlier checkpoint stands.
      await store.transaction((tx) => tx.markStepsDone('r1', ['resolve', 'hosting', 'media'], 'later'));
      const steps = (await store.showReport('r1'))?.steps.map(({ step, producer }) => `${step} ${producer}`).sort();
      expect(steps).toEqual(['hosting later', 'media later', `resolve ${PRODUCER}`]);
    });

    it('never lets an automatic step overwrite an analyst decision, and audits every change', async () => {
      const store = await openNew();
      await runSteps(store, 'r1');
      await store.setDecision('r1', { verdict: 'not-illegal', note: 'adult, verified' }, 'analyst-7', '2026-03-02T08:00:00.000Z');
      // The batch is run again: its automatic qualification comes back.
      await runSteps(store, 'r1');
      let shown = (await store.showReport('r1'))!;
      expect(shown.decision).toEqual({
        verdict: 'not-illegal',
        note: 'adult, verified',
        analyst: 'analyst-7',
        decidedAt: '2026-03-02T08:00:00.000Z',
        revision: 1,
      });
      expect(shown.report.status).toBe('not-illegal');
      expect(shown.qualification?.status).toBe('auto-qualified');

      // The same decision again is no change; a real change is audited with before and after.
      await store.setDecision('r1', { verdict: 'not-illegal' }, 'analyst-7', '2026-03-02T08:05:00.000Z');
      await store.setDecision(
        'r1',
        { verdict: 'illegal', category: { scheme: 'vics-us', value: '2' } },
        'analyst-9',
        '2026-03-03T08:00:00.000Z',
      );
      shown = (await store.showReport('r1'))!;
      expect(shown.decision).toMatchObject({ verdict: 'illegal', category: { value: '2' }, note: 'adult, verified', revision: 2 });
      expect(shown.report.status).toBe('qualified');
      expect(shown.audit.map((entry) => [entry.action, entry.actor])).toEqual([
        ['decision.set', 'analyst-7'],
        ['decision.change', 'analyst-9'],
      ]);
      expect(shown.audit[1].before).toMatchObject({ verdict: 'not-illegal' });
      expect(shown.audit[1].after).toMatchObject({ verdict: 'illegal' });
      // Category statistics take the analyst's category over the automatic one.
      expect(await store.countBy('category')).toEqual([{ key: 'vics-us:2', count: 1 }]);

      await expect(store.setDecision('nope', { note: 'x' }, 'analyst-7')).rejects.toMatchObject({
        code: 'case-unknown-report',
        exitCode: 3,
      });
    });

    it('keeps the audit table append-only in the database itself', async () => {
      const store = await openNew();
      await store.addReport(report('r1'));
      await store.setDecision('r1', { note: 'look again' }, 'analyst-7');
      const db = rawDb(store);
      await expect(db.updateTable('audit').set({ actor: 'someone' }).execute()).rejects.toThrow(/append-only/);
      await expect(db.deleteFrom('audit').execute()).rejects.toThrow(/append-only/);
      const rows = await db.selectFrom('audit').selectAll().execute();
      expect(rows.map((row) => row.actor)).toEqual(['analyst-7']);
    });

    it('divides work with expiring leases: a lost worker\'s reports are taken over, its late completion refused', async () => {
      const store = await openNew();
      await store.addReports(['r1', 'r2', 'r3', 'r4', 'r5'].map((id) => report(id)));
      const a = await store.claimReports('worker-a', { limit: 2, leaseMs: 600 });
      const b = await store.claimReports('worker-b', { limit: 10, leaseMs: 60_000 });
      expect(a).toEqual(['r1', 'r2']);
      expect(b).toEqual(['r3', 'r4', 'r5']);
      expect(await store.claimReports('worker-c', { limit: 10, leaseMs: 60_000 })).toEqual([]);
      expect(await store.completeReport('r1', 'worker-a')).toBe(true);
      expect(await store.workRemaining()).toBe(4);
      await new Promise((resolve) => setTimeout(resolve, 800));
      // worker-a's lease on r2 has expired; worker-b's leases have not.
      expect(await store.claimReports('worker-c', { limit: 10, leaseMs: 60_000 })).toEqual(['r2']);
      expect(await store.completeReport('r2', 'worker-a')).toBe(false);
      expect(await store.renewLease('worker-a', ['r2'], 60_000)).toEqual([]);
      expect(await store.completeReport('r2', 'worker-c')).toBe(true);
      expect(await store.completeReport('r2', 'worker-c')).toBe(false);
      await store.releaseReports('worker-b', ['r5']);
      expect(await store.claimReports('worker-c', { limit: 10, leaseMs: 60_000 })).toEqual(['r5']);
      const attempts = await rawDb(store).selectFrom('reports').select(['id', 'attempts', 'doneBy']).orderBy('seq').execute();
      expect(attempts.map((row) => [row.id, Number(row.attempts), row.doneBy])).toEqual([
        ['r1', 1, 'worker-a'],
        ['r2', 2, 'worker-c'],
        ['r3', 1, null],
        ['r4', 1, null],
        ['r5', 2, null],
      ]);
    });

    it('lists the review queue by priority and counts by every statistics dimension in SQL', async () => {
      const store = await openNew();
      const rows = [
        { id: 'r1', source: 'public-form', reportedAt: '2026-01-10T00:00:00.000Z', country: 'NL', tld: 'example', priority: 5 },
        { id: 'r2', source: 'partner-de', reportedAt: '2026-01-20T00:00:00.000Z', country: 'NL', tld: 'example', priority: 9 },
        { id: 'r3', source: 'public-form', reportedAt: '2026-02-01T00:00:00.000Z', country: 'US', tld: 'test', priority: 1 },
      ];
      for (const row of rows) {
        await store.addReport(report(row.id, { source: row.source, reportedAt: row.reportedAt }));
        const host = `h-${row.id}.${row.tld}`;
        await store.recordUrl(row.id, { url: `http://${host}/`, host, domain: host, tld: row.tld, flags: [] });
        await store.recordHosting(host, hosting(host, row.country, row.country === 'US' ? 'Other Host Inc' : 'Example Hosting BV'), provenance);
        await store.recordQualification(
          row.id,
          row.id === 'r1'
            ? { status: 'auto-qualified', category: { scheme: 'vics-us', value: '1' }, illegal: true, priority: row.priority, reasons: [] }
            : { status: 'needs-review', priority: row.priority, reasons: [] },
          provenance,
        );
      }
      await store.recordNotice({
        id: 'n1', kind: 'host', status: 'sent', recipient: 'Example Hosting BV', reportIds: ['r1'], files: [],
        record: {}, createdAt: '2026-01-11T00:00:00.000Z', sentAt: '2026-01-11T00:00:00.000Z', producer: PRODUCER,
      });
      await store.recordNotice({
        id: 'n2', kind: 'pharos', status: 'draft', recipient: 'PHAROS', reportIds: ['r1', 'r2'], files: [],
        record: {}, createdAt: '2026-01-21T00:00:00.000Z', producer: PRODUCER,
      });

      const queue = await store.listReports({ status: ['needs-review'], sort: 'priority' });
      expect(queue.map((item) => item.id)).toEqual(['r2', 'r3']);
      expect((await store.listReports()).map((item) => [item.id, item.category?.value])).toEqual([
        ['r1', '1'],
        ['r2', undefined],
        ['r3', undefined],
      ]);
      expect(await store.countBy('status')).toEqual([
        { key: 'needs-review', count: 2 },
        { key: 'auto-qualified', count: 1 },
      ]);
      expect(await store.countBy('category')).toEqual([
        { key: null, count: 2 },
        { key: 'vics-us:1', count: 1 },
      ]);
      expect(await store.countBy('verdict')).toEqual([
        { key: null, count: 2 },
        { key: 'illegal', count: 1 },
      ]);
      expect(await store.countBy('source')).toEqual([
        { key: 'public-form', count: 2 },
        { key: 'partner-de', count: 1 },
      ]);
      expect(await store.countBy('month')).toEqual([
        { key: '2026-01', count: 2 },
        { key: '2026-02', count: 1 },
      ]);
      expect(await store.countBy('country')).toEqual([
        { key: 'NL', count: 2 },
        { key: 'US', count: 1 },
      ]);
      expect(await store.countBy('tld')).toEqual([
        { key: 'example', count: 2 },
        { key: 'test', count: 1 },
      ]);
      expect(await store.countBy('provider')).toEqual([
        { key: 'Example Hosting BV', count: 2 },
        { key: 'Other Host Inc', count: 1 },
      ]);
      expect(await store.countBy('notice-kind')).toEqual([
        { key: 'host', count: 1 },
        { key: 'pharos', count: 1 },
      ]);
      expect(await store.countBy('country', { from: '2026-01-15', to: '2026-02-01' })).toEqual([{ key: 'NL', count: 1 }]);
      expect((await store.showReport('r2'))?.notices.map((n) => [n.id, n.reportIds])).toEqual([['n2', ['r1', 'r2']]]);
    });

    it('keeps one re-check per URL per day and the time of removal', async () => {
      const store = await openNew();
      await store.addReport(report('r1'));
      const url = 'http://gone.example/x';
      await store.recordUrl('r1', { url, host: 'gone.example', domain: 'gone.example', tld: 'example', flags: [] });
      await store.recordNotice({
        id: 'n1', kind: 'host', status: 'sent', recipient: 'Host', reportIds: ['r1'], files: [], record: {},
        createdAt: '2026-03-01T09:00:00.000Z', sentAt: '2026-03-01T09:00:00.000Z', producer: PRODUCER,
      });
      expect((await store.urlsUnderNotice()).map((entry) => entry.url)).toEqual([url]);
      const check = (checkedAt: string, outcome: 'online' | 'removed') =>
        store.recordCheck({ url, checkedAt, outcome, evidence: { status: outcome === 'online' ? 200 : 404 }, producer: PRODUCER });
      expect(await check('2026-03-02T06:00:00.000Z', 'online')).toBe(true);
      expect(await check('2026-03-02T18:00:00.000Z', 'removed')).toBe(false);
      expect(await check('2026-03-03T06:00:00.000Z', 'removed')).toBe(true);
      expect(await check('2026-03-04T06:00:00.000Z', 'removed')).toBe(true);
      const shown = (await store.showReport('r1'))!;
      expect(shown.checks.map((c) => [c.checkedAt, c.outcome])).toEqual([
        ['2026-03-02T06:00:00.000Z', 'online'],
        ['2026-03-03T06:00:00.000Z', 'removed'],
        ['2026-03-04T06:00:00.000Z', 'removed'],
      ]);
      expect(shown.url?.removedAt).toBe('2026-03-03T06:00:00.000Z');
      expect(await store.urlsUnderNotice()).toEqual([]);
    });

    it('refuses a case written by a newer schema version, and one that is not a Vigie case', async () => {
      const location = await newLocation();
      const store = await openCaseStore(location);
      await store.addReport(report('r1'));
      await rawDb(store).updateTable('meta').set({ value: String(SCHEMA_VERSION + 1) }).where('key', '=', 'schemaVersion').execute();
      await store.close();
      const newer = await refusal(openCaseStore(location));
      expect(newer.code).toBe('case-newer-schema');
      expect(newer.exitCode).toBe(3);
      expect(newer.message).toContain(`newer Vigie (case schema ${SCHEMA_VERSION + 1}; this Vigie reads up to ${SCHEMA_VERSION})`);

      const foreign = await newLocation();
      const other = await openCaseStore(foreign);
      await sql`drop table meta`.execute(rawDb(other));
      await other.close();
      expect((await refusal(openCaseStore(foreign))).code).toBe('case-not-vigie');
    });
  });
});
