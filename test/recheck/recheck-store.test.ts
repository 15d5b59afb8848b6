import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hop } from '../../src/core/resolution.js';
import { Resolver } from '../../src/net/index.js';
import { readFile, readdir } from 'node:fs/promises';
import { createFollowUps, openCaseStore, runRecheck, type CaseStore, type RecheckRecord, type RecheckSummary } from '../../src/triage/index.js';
import { startHttpServer, type FakeHttpServer } from '../helpers/fake-servers.js';
import { postgresBinaries, startPostgres, type RunningPostgres } from '../helpers/postgres.js';
import { freePort } from '../helpers/servers.js';

const backends = [
  { name: 'sqlite' as const, available: true },
  { name: 'postgres' as const, available: postgresBinaries() !== undefined },
];

/**
 * `runRecheck` on both case backends against a loopback HTTP server: media URLs asked with HEAD (and with a GET
 * closed after its headers when HEAD is refused), a replaced media file told by its ETag, a closed port counted as
 * removed only after three unreachable days in a row.
 */
describe.each(backends)('runRecheck on $name', (backend) => {
  let server: RunningPostgres | undefined;
  let web: FakeHttpServer;
  let dir: string;
  let etag = '"v1"';
  const methods: string[] = [];
  let closedPort: number;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigie-recheck-store-'));
    if (backend.name === 'postgres' && backend.available) server = await startPostgres();
    web = await startHttpServer((request, response) => {
      methods.push(`${request.method} ${request.url}`);
      if (request.url === '/no-head.png' && request.method === 'HEAD') {
        response.writeHead(405, { allow: 'GET' });
        response.end();
        return;
      }
      // A big body: a GET that read it would take long; the check must close it after the headers.
      response.writeHead(200, { 'content-type': 'image/png', etag: request.url === '/photo.png' ? etag : '"v1"', 'content-length': String(8 << 20), 'last-modified': 'Tue, 01 Dec 2026 10:00:00 GMT' });
      if (request.method === 'HEAD') response.end();
      else response.end(Buffer.alloc(8 << 20, 1));
    });
    closedPort = await freePort();
  }, 60_000);
  afterAll(async () => {
    await web?.close();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const resolve = (url: string, head: boolean) => new Resolver({ allowPrivate: true, head, timeoutMs: 2000 }).resolve(url);

  async function seed(store: CaseStore, urls: string[], ids = urls.map((_, line) => `R${line}`), emails: string[] = []): Promise<void> {
    const observedAt = '2026-12-01T09:00:00Z';
    await store.addReports(
      urls.map((url, line) => ({
        id: ids[line], batch: 'b', line, source: 'test', reportedAt: '2026-12-01T08:00:00Z', url, ...(emails[line] && { reporterEmail: emails[line] }),
      })),
    );
    for (const [line, url] of urls.entries()) {
      await store.recordUrl(ids[line], { url, host: '127.0.0.1', flags: [] }, observedAt);
      const hop: Hop = { url, timestamp: observedAt, status: 200, contentType: url.endsWith('.png') ? 'image/png' : 'text/html', etag: '"v1"' };
      await store.recordResolution(url, { input: url, url, flags: [], hops: [hop], finalUrl: url, observedAt, producer: { tool: 'test' } }, { producer: 'test', observedAt });
    }
    await store.recordNotice({
      id: 'N1', kind: 'host', status: 'sent', recipient: 'Host', reportIds: ids, files: [], record: {},
      createdAt: observedAt, sentAt: '2026-12-01T10:00:00Z', producer: 'test',
    });
  }

  async function day(store: CaseStore, now: string, draft?: Awaited<ReturnType<typeof createFollowUps>>): Promise<{ records: Map<string, RecheckRecord>; summary: RecheckSummary }> {
    const summary: RecheckSummary = { urls: 0, online: 0, removed: 0, unreachable: 0, errors: 0, reused: 0, requests: 0, drafted: 0, durationMs: 0 };
    const records = new Map<string, RecheckRecord>();
    for await (const record of runRecheck(store, { now, resolve, producer: 'test', jobs: 4, ...(draft && { draft }) }, summary)) records.set(record.url, record);
    return { records, summary };
  }

  it.skipIf(!backend.available)('HEAD for media, a GET closed after the headers when HEAD is refused, ETag changes and unreachable days', async () => {
    const location = backend.name === 'postgres' ? await server!.createDatabase() : join(dir, 'case.sqlite');
    const store = await openCaseStore(location);
    try {
      const media = `${web.base}/photo.png`;
      const noHead = `${web.base}/no-head.png`;
      const closed = `http://127.0.0.1:${closedPort}/page.html`;
      await seed(store, [media, noHead, closed]);

      const started = Date.now();
      const first = await day(store, '2026-12-02T07:00:00Z');
      // Neither 8 MB body was read: a GET that read them would not be this quick on loopback with other suites running.
      expect(Date.now() - started).toBeLessThan(5000);
      expect(first.records.get(media)).toMatchObject({ verdict: 'online', method: 'HEAD', status: 200, requests: 1 });
      expect(first.records.get(noHead)).toMatchObject({ verdict: 'online', method: 'GET', status: 200, requests: 1 });
      expect(first.records.get(closed)).toMatchObject({ verdict: 'unreachable', method: 'GET', requests: 0 });
      expect(methods).toEqual(expect.arrayContaining(['HEAD /photo.png', 'HEAD /no-head.png', 'GET /no-head.png']));
      expect(methods.filter((line) => line === 'GET /photo.png')).toEqual([]);
      expect(first.summary).toMatchObject({ urls: 3, online: 2, unreachable: 1, removed: 0, requests: 2 });
      const stored = (await store.showReport('R0'))!.checks;
      expect(stored).toMatchObject([{ outcome: 'online', status: 200, validators: { etag: '"v1"', contentLength: String(8 << 20), lastModified: 'Tue, 01 Dec 2026 10:00:00 GMT' } }]);

      // The file behind the media URL is replaced: its ETag changes, the content reported is gone.
      etag = '"v2"';
      const second = await day(store, '2026-12-03T07:00:00Z');
      expect(second.records.get(media)).toMatchObject({ verdict: 'removed', evidence: 'content-changed', removalSecondsFromNotice: 45 * 3600 });
      expect(second.records.get(media)?.detail).toMatch(/etag was "v1", now "v2"/);
      expect(second.records.get(closed)).toMatchObject({ verdict: 'unreachable' });

      // The third unreachable day in a row is removal, with that evidence.
      const third = await day(store, '2026-12-04T07:00:00Z');
      expect([...third.records.keys()].sort()).toEqual([closed, noHead].sort());
      expect(third.records.get(closed)).toMatchObject({ verdict: 'removed', evidence: 'unreachable-repeatedly', removalSecondsFromReport: 71 * 3600 });
      const again = await day(store, '2026-12-04T08:00:00Z');
      expect(again.summary).toMatchObject({ urls: 1, reused: 1, requests: 0, online: 1 });
      expect((await store.showReport('R2'))!.checks.map((check) => check.outcome)).toEqual(['unreachable', 'unreachable', 'removed']);
    } finally {
      await store.close();
    }
  }, 60_000);

  it.skipIf(!backend.available)('a reporter outcome message cannot be given extra lines, and a malformed address gets none', async () => {
    const location = backend.name === 'postgres' ? await server!.createDatabase() : join(dir, 'hostile.sqlite');
    const store = await openCaseStore(location);
    try {
      const gone = [`http://127.0.0.1:${closedPort}/a.html`, `http://127.0.0.1:${closedPort}/b.html`];
      await seed(store, gone, ['R-evil\nTo: victim@elsewhere.test', 'R-bad-mail'], ['reporter@mail.test', 'a@mail.test\nBcc: b@elsewhere.test']);
      const drafts = join(dir, `drafts-${backend.name}`);
      const draft = await createFollowUps({ dir: drafts, reminderAfterDays: 3, reporterLanguage: 'en', producer: 'test' });
      for (const now of ['2026-12-02T07:00:00Z', '2026-12-03T07:00:00Z']) await day(store, now, draft);
      const last = await day(store, '2026-12-04T07:00:00Z', draft);
      expect([...last.records.values()].map((record) => [record.verdict, record.drafted])).toEqual([
        ['removed', ['reporter-outcome:R-evil\nTo: victim@elsewhere.test']],
        ['removed', []],
      ]);
      const [folder] = await readdir(drafts);
      const text = await readFile(join(drafts, folder, 'reporter-outcome.en.txt'), 'utf8');
      expect(text).toMatch(/^Your report R-evil To: victim@elsewhere\.test: the content has been removed\n/);
      expect(text.split('\n').filter((line) => line.startsWith('To:'))).toEqual(['To: reporter@mail.test']);
      expect(text).toContain('127[.]0[.]0[.]1');
      expect(text).not.toContain('a.html');
    } finally {
      await store.close();
    }
  }, 60_000);
});
