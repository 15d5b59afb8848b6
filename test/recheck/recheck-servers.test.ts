import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Notice } from '../../src/core/notice.js';
import { createDrafter, openCaseStore, type NoticeEntry } from '../../src/triage/index.js';
import { jsonLines, runVigie } from '../helpers/cli.js';
import { findBinary, startDnsmasq, startNginx, type RunningServer } from '../helpers/servers.js';
import { REPO_ROOT } from '../helpers/shared.js';

const dnsmasq = findBinary('dnsmasq', 'dnsmasq-base');
const nginx = findBinary('nginx', 'nginx-light');
const DAY = 86_400_000;

interface Record_ {
  url: string;
  verdict: string;
  evidence: string;
  status?: number;
  checkedAt: string;
  method: string;
  requests: number;
  reused: boolean;
  removalSecondsFromReport?: number;
  removalSecondsFromNotice?: number;
  drafted: string[];
}

/**
 * A first triage of four reports against dnsmasq and nginx, its host notices drafted and marked sent, then daily
 * re-checks at given `--now` times while the servers change: nginx starts answering 404 for a page and a media file,
 * dnsmasq drops a name, one page stays online. nginx logs each request's method and body bytes.
 */
describe.skipIf(!dnsmasq || !nginx)('vigie recheck against local DNS and HTTP servers', () => {
  let dns: RunningServer;
  let web: RunningServer;
  let dir: string;
  let caseFile: string;
  let drafts: string;
  let base: string;
  const names = ['online.test', 'gone.test', 'dropped.test', 'media.test'];
  let urls: Record<'online' | 'gone' | 'dropped' | 'media', string>;
  /** When the host notices were sent: the registrar notice is due 5 days after the triage's observation. */
  let sentAt: number;
  let registrarDue: number;
  const reportedAt = '2026-01-10T08:00:00Z';

  const startDns = (dropped: boolean) =>
    startDnsmasq(dnsmasq as string, names.map((name) => (dropped && name === 'dropped.test' ? `--address=/${name}/` : `--address=/${name}/127.0.0.1`)));
  const recheck = (now: number, extra: string[] = []) =>
    runVigie(['recheck', '--case', caseFile, '--now', new Date(now).toISOString(), '--resolver', `${dns.host}:${dns.port}`, '--allow-private', '--timeout', '3000', '--drafts', drafts, '-f', 'jsonl', ...extra]);
  const methods = async () =>
    (await readFile(join(web.dir, 'methods.log'), 'utf8')).trim().split('\n').filter(Boolean).map((line) => {
      const [method, uri, status, bytes] = line.split(' ');
      return { method, uri, status: Number(status), bytes: Number(bytes) };
    });
  const sql = <T>(query: string): T[] => {
    const db = new Database(caseFile, { readonly: true });
    try {
      return db.prepare(query).all() as T[];
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigie-recheck-'));
    caseFile = join(dir, 'case.sqlite');
    drafts = join(dir, 'drafts');
    dns = await startDns(false);
    web = await startNginx(
      nginx as string,
      `log_format methods '$request_method $uri $status $body_bytes_sent';
  server {
    listen 127.0.0.1:PORT;
    access_log DIR/methods.log methods;
    root DIR;
    location / { try_files $uri =404; }
  }`,
      {
        'online.html': '<html><body>still here</body></html>',
        'gone.html': '<html><body>soon gone</body></html>',
        'dropped.html': '<html><body>name soon gone</body></html>',
        // Synthetic bytes standing for a picture: the test only counts what is requested.
        'photo.png': Buffer.alloc(200_000, 7),
      },
    );
    base = String(web.port);
    urls = {
      online: `http://online.test:${base}/online.html`,
      gone: `http://gone.test:${base}/gone.html`,
      dropped: `http://dropped.test:${base}/dropped.html`,
      media: `http://media.test:${base}/photo.png`,
    };
    const csv = ['id,url,reported_at,source', ...Object.entries(urls).map(([name, url]) => `R-${name},${url},${reportedAt},web-form`)].join('\n');
    await writeFile(join(dir, 'reports.csv'), `${csv}\n`);
    const triage = await runVigie([
      'triage', join(dir, 'reports.csv'), '--case', caseFile, '--resolver', `${dns.host}:${dns.port}`, '--allow-private',
      '--no-rdap', '--no-whois', '--cache-dir', join(dir, 'cache'), '--timeout', '3000',
    ]);
    expect(triage.code, triage.stderr).toBe(0);

    // The analyst's decisions, the host's facts and abuse contacts, then the drafts, as triage --notifier makes them.
    const routing = await readFile(join(REPO_ROOT, 'data/notices/routing.yaml'), 'utf8');
    const rules = join(dir, 'rules.yaml');
    await writeFile(
      rules,
      `${routing.slice(0, routing.indexOf('\nrules:'))}
rules:
  - id: recheck-test
    description: host notice at once, the registrar after 5 days without removal
    when: {}
    notices:
      - { kind: host }
      - { kind: registrar, delayDays: 5, condition: still-online }
`,
    );
    const store = await openCaseStore(caseFile);
    try {
      const drafter = await createDrafter({
        notifier: { organisation: 'Hotline Test', organisationDomain: 'hotline.test', contactEmail: 'contact@hotline.test', country: 'FR', analystRef: 'A1' },
        dir: drafts,
        rulesPath: rules,
        producer: 'test',
      });
      for (const name of names) {
        await store.recordHosting(name, {
          target: name,
          kind: 'domain',
          host: name,
          registrableDomain: name,
          addresses: [{ address: '127.0.0.1', family: 4, country: 'SC', geoip: [] }],
          abuseContacts: [
            { email: 'abuse@hoster.test', party: 'host', partyName: 'Hoster', basis: 'role', provenance: ['test'] },
            { email: 'abuse@registrar.test', party: 'registrar', partyName: 'Registrar', basis: 'role', provenance: ['test'] },
          ],
          disagreements: [],
          lookups: [],
          credits: [],
        } as never, { producer: 'test', observedAt: new Date().toISOString() });
      }
      const entries: NoticeEntry[] = [];
      for (const name of Object.keys(urls)) {
        await store.setDecision(`R-${name}`, { verdict: 'illegal', category: { scheme: 'caid', value: 'A' } }, 'A1');
        entries.push(...(await drafter((await store.showReport(`R-${name}`))!)));
      }
      const registrar = entries.find((entry) => entry.kind === 'registrar')!;
      registrarDue = Date.parse((registrar.record as Notice).routing.dueAt!);
      sentAt = registrarDue - 5 * DAY;
      for (const entry of entries) {
        await store.recordNotice(entry.kind === 'host' ? { ...entry, status: 'sent', sentAt: new Date(sentAt).toISOString() } : entry);
      }
      expect(entries.filter((entry) => entry.kind === 'host')).toHaveLength(4);
      expect(entries.filter((entry) => entry.kind === 'registrar')).toHaveLength(4);
    } finally {
      await store.close();
    }
    // The reporter of the page that goes left an e-mail address (the store's reports carry it).
    const db = new Database(caseFile);
    db.prepare("update reports set reporterEmail = 'reporter@mail.test' where id = 'R-gone'").run();
    db.close();
  }, 120_000);

  afterAll(async () => {
    await dns?.stop();
    await web?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('records each outcome, times to removal, and drafts the reminder and registrar notice at their delays, once', async () => {
    const afterTriage = (await methods()).length;
    const byUrl = (stdout: string) => new Map(jsonLines<Record_>(stdout).map((record) => [record.url, record]));

    // Runs at 10:00 and 11:00 of a UTC day are the same day whatever the time of the triage.
    const dayAt = (days: number, hours: number) => Math.floor(sentAt / DAY) * DAY + days * DAY + hours * 3600_000;
    // Day 1: everything online; the media URL is asked with HEAD.
    const day1 = await recheck(dayAt(1, 10));
    expect(day1.code, day1.stderr).toBe(1);
    let records = byUrl(day1.stdout);
    expect([...records.values()].map((record) => record.verdict)).toEqual(['online', 'online', 'online', 'online']);
    expect(records.get(urls.media)).toMatchObject({ method: 'HEAD', status: 200, requests: 1 });
    expect(records.get(urls.online)).toMatchObject({ method: 'GET', requests: 1, drafted: [] });
    expect(day1.stderr).toMatch(/online online: http:\/\/online\.test/);

    // The same day again: no request, no new check.
    const requestsDay1 = (await methods()).length;
    const again = await recheck(dayAt(1, 11));
    expect(again.code).toBe(1);
    expect((await methods()).length).toBe(requestsDay1);
    expect(jsonLines<Record_>(again.stdout).every((record) => record.reused && record.requests === 0)).toBe(true);
    expect(sql<{ n: number }>('select count(*) as n from checks')[0].n).toBe(4);

    // Day 2: nginx answers 404 for a page and the media file, dnsmasq drops a name; one page stays online.
    await unlink(join(web.dir, 'gone.html'));
    await unlink(join(web.dir, 'photo.png'));
    await dns.stop();
    dns = await startDns(true);
    const day2Time = dayAt(2, 10);
    const day2 = await recheck(day2Time);
    expect(day2.code, day2.stderr).toBe(1);
    records = byUrl(day2.stdout);
    expect(records.get(urls.online)).toMatchObject({ verdict: 'online', evidence: 'online', status: 200 });
    expect(records.get(urls.gone)).toMatchObject({ verdict: 'removed', evidence: 'http-404', status: 404 });
    expect(records.get(urls.dropped)).toMatchObject({ verdict: 'removed', evidence: 'dns-name-gone', requests: 0 });
    expect(records.get(urls.media)).toMatchObject({ verdict: 'removed', evidence: 'http-404', method: 'HEAD' });
    const fromReport = Math.round((day2Time - Date.parse(reportedAt)) / 1000);
    const fromNotice = Math.round((day2Time - sentAt) / 1000);
    for (const url of [urls.gone, urls.dropped, urls.media]) {
      expect(records.get(url)).toMatchObject({ removalSecondsFromReport: fromReport, removalSecondsFromNotice: fromNotice });
    }
    // The reporter who left an e-mail is told, without the URL in clear.
    expect(records.get(urls.gone)?.drafted).toEqual([expect.stringMatching(/^expired:/), 'reporter-outcome:R-gone']);
    // The registrar notices planned for the removed URLs will never be due: they expire, unsent.
    expect(records.get(urls.dropped)?.drafted).toEqual([expect.stringMatching(/^expired:/)]);
    const registrars = sql<{ status: string; record: string }>("select status, record from notices where kind = 'registrar'");
    expect(registrars.map((row) => row.status).sort()).toEqual(['draft', 'expired', 'expired', 'expired']);
    for (const row of registrars) expect((JSON.parse(row.record) as Notice).status).toBe(row.status);
    const message = await readFile(join(drafts, 'r-gone', 'reporter-outcome.fr.txt'), 'utf8');
    expect(message).toMatch(/^Votre signalement R-gone/);
    expect(message).toContain('gone[.]test');
    expect(message).not.toContain('gone.test');
    const stored = sql<{ url: string; removedAt: string; removalSecondsFromReport: number; removalSecondsFromNotice: number }>(
      'select url, removedAt, removalSecondsFromReport, removalSecondsFromNotice from urls where removedAt is not null order by url',
    );
    expect(stored).toHaveLength(3);
    for (const row of stored) {
      expect(row).toMatchObject({ removedAt: new Date(day2Time).toISOString().replace('.000Z', 'Z'), removalSecondsFromReport: fromReport, removalSecondsFromNotice: fromNotice });
    }
    const checks = sql<{ outcome: string; status: number | null; evidence: string; contentLength: string | null; etag: string | null }>(
      "select c.outcome, c.status, c.evidence, c.contentLength, c.etag from checks c join urls u on u.id = c.urlId where u.url like '%photo.png' order by c.day",
    );
    expect(checks.map((check) => [check.outcome, check.status])).toEqual([['online', 200], ['removed', 404]]);
    expect(checks[0]).toMatchObject({ contentLength: '200000' });
    expect(checks[0].etag).toMatch(/^"/);

    // Removed URLs are not visited again; the reminder is due 3 days after the host notice was sent.
    const before = await recheck(sentAt + 3 * DAY - 120_000);
    expect(before.code).toBe(1);
    expect(jsonLines<Record_>(before.stdout).map((record) => [record.url, record.drafted])).toEqual([[urls.online, []]]);
    const at = await recheck(sentAt + 3 * DAY + 60_000);
    expect(jsonLines<Record_>(at.stdout)).toMatchObject([{ url: urls.online, verdict: 'online', drafted: [expect.stringMatching(/^reminder:/)] }]);
    const twice = await recheck(sentAt + 3 * DAY + 120_000);
    expect(jsonLines<Record_>(twice.stdout)[0].drafted).toEqual([]);

    // The registrar notice the rules planned "still-online" is drafted when due, and never again.
    const early = await recheck(registrarDue - 60_000);
    expect(jsonLines<Record_>(early.stdout)[0].drafted).toEqual([]);
    const due = await recheck(registrarDue + 60_000);
    expect(due.code).toBe(1);
    expect(jsonLines<Record_>(due.stdout)[0].drafted).toEqual([expect.stringMatching(/^notice:/)]);
    const later = await recheck(registrarDue + DAY);
    expect(later.code).toBe(1);
    expect(jsonLines<Record_>(later.stdout)[0]).toMatchObject({ verdict: 'online', reused: false, drafted: [] });

    const followUps = sql<{ kind: string; noticeId: string | null; reportId: string | null; files: string }>('select kind, noticeId, reportId, files from followUps order by draftedAt');
    expect(followUps.filter((row) => row.kind === 'notice-expired')).toHaveLength(3);
    followUps.splice(0, followUps.length, ...followUps.filter((row) => row.kind !== 'notice-expired'));
    expect(followUps.map((row) => row.kind)).toEqual(['reporter-outcome', 'reminder', 'notice']);
    for (const row of followUps) for (const file of JSON.parse(row.files) as string[]) expect(existsSync(join(drafts, file)), file).toBe(true);
    // The reminder is a host notice following the one sent; the registrar draft says it is still online.
    const notices = sql<{ kind: string; status: string; record: string }>("select kind, status, record from notices where kind in ('host', 'registrar')");
    const reminder = notices.map((row) => JSON.parse(row.record) as Notice).find((notice) => notice.reference.endsWith('-reminder'))!;
    expect(reminder).toMatchObject({ kind: 'host', status: 'draft', externalRefs: { followsNotice: expect.any(String) } });
    const registrarText = await readFile(join(drafts, (JSON.parse(followUps[2].files) as string[]).find((file) => file.endsWith('.txt'))!), 'utf8');
    const shown = (time: number) => new Date(time).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC');
    expect(registrarText).toContain(`Sent: ${shown(registrarDue + 60_000)}`);
    // Observed online at the day's check (the run just before, or this one on a new day), not at the triage.
    expect(registrarText).toMatch(new RegExp(`Observed: (${shown(registrarDue - 60_000)}|${shown(registrarDue + 60_000)})`));
    expect(registrarText).toMatch(/notice [0-9a-f-]{36}\) and the content was not removed/);

    // Not one GET of the media URL after the triage: every re-check of it was a HEAD, no body byte sent.
    const media = (await methods()).slice(afterTriage).filter((line) => line.uri === '/photo.png');
    expect(media.length).toBe(2);
    expect(media.every((line) => line.method === 'HEAD' && line.bytes === 0)).toBe(true);
  }, 180_000);

  it('a case with nothing under notice exits 0; a bad --now is a usage error', async () => {
    const empty = join(dir, 'empty.sqlite');
    const none = await runVigie(['recheck', '--case', empty, '--now', '2026-03-01T00:00:00Z']);
    expect(none.code).toBe(0);
    expect(none.stderr).toMatch(/0 URLs under notice/);
    const bad = await runVigie(['recheck', '--case', empty, '--now', 'yesterday']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--now "yesterday"/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
