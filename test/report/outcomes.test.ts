/**
 * The store's reads behind `vigie report`, on SQLite and on a real PostgreSQL server (skipped with a message when
 * PostgreSQL is not installed): the streamed outcome rows (keyset pages that neither skip nor repeat a report, even
 * when many share one reception time) and the grouped counts, which join only the tables their key needs and must
 * still count exactly what the exported rows say.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCaseStore, type CaseStore, type CountDimension, type OutcomeFacts } from '../../src/triage/store/index.js';
import { postgresBinaries, startPostgres, type RunningPostgres } from '../helpers/postgres.js';
import { PRODUCER, hosting, provenance, report } from '../triage/store-fixtures.js';

const backends = [
  { name: 'sqlite', available: true },
  { name: 'postgres', available: postgresBinaries() !== undefined },
] as const;

/** Twelve reports, eight received at the same instant, with every kind of outcome. */
async function fill(store: CaseStore): Promise<void> {
  const same = '2026-02-14T09:30:00.000Z';
  const times = ['2026-01-05T08:00:00.000Z', ...Array<string>(8).fill(same), '2026-03-01T00:00:00.000Z', '2026-03-02T00:00:00.000Z', '2027-01-01T00:00:00.000Z'];
  await store.addReports(times.map((reportedAt, i) => report(`r${i + 1}`, { reportedAt, source: i % 3 ? 'public-form' : 'partner-de' })));
  for (let i = 1; i <= 11; i++) {
    const id = `r${i}`;
    const host = i === 11 ? 'unlocated.example' : i % 2 ? 'odd.example' : `even.example${i % 4 ? '' : '.fr'}`;
    await store.recordUrl(id, { url: `http://${host}/${i % 5}`, host, domain: host, tld: host.split('.').pop(), flags: [] });
    if (i !== 11) await store.recordHosting(host, hosting(host, i % 2 ? 'NL' : 'US', i % 2 ? 'Odd Hosting' : 'Even Hosting'), provenance);
    if (i <= 8) {
      const auto = i <= 5;
      await store.recordQualification(
        id,
        { status: auto ? 'auto-qualified' : 'needs-review', ...(auto ? { category: { scheme: 'vics-us', value: '1' }, illegal: true } : {}), priority: 0, reasons: [] },
        provenance,
      );
    }
  }
  await store.setDecision('r2', { verdict: 'illegal', category: { scheme: 'caid', value: 'A' } }, 'analyst-1');
  await store.setDecision('r3', { verdict: 'not-illegal' }, 'analyst-1');
  await store.setDecision('r7', { verdict: 'illegal', category: { scheme: 'caid', value: 'B' } }, 'analyst-1');
  await store.setDecision('r9', { note: 'look again' }, 'analyst-1');
  const notice = (id: string, kind: string, reportIds: string[], createdAt: string) =>
    store.recordNotice({ id, kind, status: 'sent', recipient: 'abuse@host.example', reportIds, files: [], record: {}, createdAt, sentAt: createdAt, producer: PRODUCER });
  await notice('n-pharos', 'pharos', ['r1', 'r2'], '2026-02-15T00:00:00.000Z');
  await notice('n-host', 'host', ['r1', 'r7'], '2026-02-16T00:00:00.000Z');
  await notice('n-host-2', 'host', ['r1'], '2026-02-17T00:00:00.000Z');
  await store.recordCheck({ url: 'http://odd.example/1', checkedAt: '2026-02-20T00:00:00.000Z', outcome: 'removed', evidence: { status: 404 }, producer: PRODUCER });
}

async function all(facts: AsyncIterable<OutcomeFacts>): Promise<OutcomeFacts[]> {
  const rows: OutcomeFacts[] = [];
  for await (const row of facts) rows.push(row);
  return rows;
}

const tally = (keys: (string | null)[]) =>
  [...keys.reduce((map, key) => map.set(key, (map.get(key) ?? 0) + 1), new Map<string | null, number>())]
    .map(([key, count]) => ({ key, count }))
    .sort((a, b) => b.count - a.count || String(a.key).localeCompare(String(b.key)));

for (const backend of backends) {
  describe.skipIf(!backend.available)(`report reads (${backend.name})`, () => {
    let dir: string;
    let server: RunningPostgres | undefined;
    let store: CaseStore;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'vigie-report-outcomes-'));
      if (backend.name === 'postgres') server = await startPostgres();
      store = await openCaseStore(server ? await server.createDatabase() : join(dir, 'case.sqlite'));
      await fill(store);
    }, 60_000);

    afterAll(async () => {
      await store?.close();
      await server?.stop();
      await rm(dir, { recursive: true, force: true });
    });

    it('streams every report once, in order of reception, whatever the page size', async () => {
      for (const pageSize of [1, 2, 3, 5000]) {
        const rows = await all(store.outcomeFacts({}, pageSize));
        expect(rows.map((row) => row.id), `page size ${pageSize}`).toEqual(Array.from({ length: 12 }, (_, i) => `r${i + 1}`));
      }
    });

    it('keeps to the range, pages included', async () => {
      const rows = await all(store.outcomeFacts({ from: '2026-02-14T09:30:00.000Z', to: '2026-03-02' }, 3));
      expect(rows.map((row) => row.id)).toEqual(['r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9', 'r10']);
    });

    it("gives each report's outcome by the rules of the counts", async () => {
      const rows = new Map((await all(store.outcomeFacts({}, 2))).map((row) => [row.id, row]));
      expect(rows.get('r1')).toMatchObject({
        verdict: 'illegal', category: 'vics-us:1', decidedBy: 'automatic', country: 'NL', provider: 'Odd Hosting',
        tld: 'example', noticeKinds: ['pharos', 'host'], removedAt: '2026-02-20T00:00:00.000Z', url: 'http://odd.example/1',
      });
      expect(rows.get('r2')).toMatchObject({ verdict: 'illegal', category: 'caid:A', decidedBy: 'analyst', noticeKinds: ['pharos'] });
      expect(rows.get('r3')).toMatchObject({ verdict: 'not-illegal', category: null, decidedBy: 'analyst' });
      expect(rows.get('r6')).toMatchObject({ verdict: null, category: null, decidedBy: null, noticeKinds: [], removedAt: null });
      expect(rows.get('r9')).toMatchObject({ verdict: null, decidedBy: null });
      expect(rows.get('r11')).toMatchObject({ country: null, provider: null, tld: 'example' });
      expect(rows.get('r12')).toMatchObject({ url: null, urlInput: 'hxxp://site-r12[.]example/page', domain: null });
    });

    it('counts what the exported rows say, for every dimension, with and without the illegal filter', async () => {
      const range = { from: '2026-01-01', to: '2027-01-01' };
      const rows = await all(store.outcomeFacts(range));
      const illegal = rows.filter((row) => row.verdict === 'illegal');
      const key: Record<Exclude<CountDimension, 'notice-kind'>, (row: OutcomeFacts) => string | null> = {
        status: (row) => row.status,
        category: (row) => row.category,
        verdict: (row) => row.verdict,
        source: (row) => row.source,
        month: (row) => row.reportedAt.slice(0, 7),
        country: (row) => row.country,
        tld: (row) => row.tld,
        provider: (row) => row.provider,
      };
      for (const [dimension, of] of Object.entries(key) as [Exclude<CountDimension, 'notice-kind'>, (row: OutcomeFacts) => string | null][]) {
        expect(await store.countBy(dimension, range), dimension).toEqual(tally(rows.map(of)));
        expect(await store.countBy(dimension, { ...range, illegalOnly: true }), `${dimension}, illegal`).toEqual(tally(illegal.map(of)));
      }
      expect(illegal.map((row) => row.id)).toEqual(['r1', 'r2', 'r4', 'r5', 'r7']);
    });
  });
}
