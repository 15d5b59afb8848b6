// Case store cost per report: every record a triaged report leaves in the case (report, URL, resolution with two
// hops, hosting, media with hashes, matches, qualification, a checkpoint per step, claim and completion), on SQLite
// and on PostgreSQL (a local server started like the tests'), against two baselines measured in the same run:
// appending the same records to a JSON Lines file, and hashing one sample image (PDQ + MD5), the cheapest real step
// a report with media goes through. Then the same batch again (a resumed or repeated run: every write an upsert).
// Run: npm run build && node --expose-gc bench/store.js [reports]
import { appendFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashFile } from '../dist/index.js';
import { openCaseStore } from '../dist/triage/store/index.js';
import { startPostgres } from '../test/helpers/postgres.js';
import { REPO_ROOT, printTable } from './lib.js';

const COUNT = Number(process.argv[2] ?? 2000);
const PRODUCER = 'vigie bench';
const dir = await mkdtemp(join(tmpdir(), 'vigie-bench-store-'));

function recordsOf(i) {
  const host = `host-${i % 500}.example`;
  const url = `http://${host}/gallery/${i}/index.html`;
  const at = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
  const provenance = { producer: PRODUCER, observedAt: at };
  const hop = (status, target) => ({ url: target, timestamp: at, ip: '192.0.2.10', port: 80, scope: 'public', status, server: 'nginx', contentType: 'text/html' });
  return {
    report: { id: `R${i}`, url: url.replace('http', 'hxxp'), reportedAt: at, source: i % 3 ? 'public-form' : 'partner-de', batch: 'bench', line: i + 1 },
    url: { url, host, domain: host, tld: 'example', flags: ['defanged'] },
    resolution: { input: url, url, host: { unicode: host, ascii: host }, registrableDomain: host, flags: ['defanged'],
      dns: { name: host, cnameChain: [], addresses: [{ address: '192.0.2.10', family: 4, ttl: 300, scope: 'public', ptr: [] }], zone: host, ns: [{ name: 'ns1.example', ttl: 300 }], mx: [] },
      hops: [hop(301, url), hop(200, `${url}?p=1`)], finalUrl: `${url}?p=1`, finalAddresses: [{ address: '192.0.2.10', family: 4, ttl: 300, scope: 'public' }], resolvedAt: at },
    host,
    hosting: { target: host, kind: 'domain', host, domain: host,
      addresses: [{ address: '192.0.2.10', family: 4, country: 'NL', countrySource: 'geoip:dbip-country.mmdb', geoip: [{ source: 'geoip:dbip-country.mmdb', databaseType: 'country', country: 'NL' }], network: { source: 'rdap:ripe', holder: 'Example Hosting BV', country: 'NL', cidr: ['192.0.2.0/24'] }, asn: 64500 }],
      abuseContacts: [{ email: 'abuse@hosting.example', party: 'host', basis: 'role', provenance: ['rdap:ripe entity EH1'] }], disagreements: [], lookups: [{ source: 'geoip:dbip-country.mmdb', query: '192.0.2.10', status: 'ok' }], credits: ['DB-IP'] },
    media: { path: `media/${i}.png`, hashRecord: { path: `media/${i}.png`, media: 'image', bytes: 48213, width: 640, height: 480, hashes: { md5: '0'.repeat(32), sha256: '1'.repeat(64), pdq: 'f'.repeat(64) }, pdq_quality: 100 } },
    match: { path: `media/${i}.png`, media: 'image', hashes: { pdq: 'f'.repeat(64) }, matches: [{ set: 'sample', entry: 'e'.repeat(64), signal: 'pdq', distance: 4, variant: null, category: '1', scheme: 'vics-us', source: 'own' }] },
    qualification: { status: 'auto-qualified', category: { scheme: 'vics-us', value: '1' }, illegal: true, priority: 0, reasons: ['vics-us category 1, from set sample, distance 4'] },
    provenance,
  };
}

async function triageWrites(store) {
  for (let start = 0; start < COUNT; start += 50) {
    const batch = Array.from({ length: Math.min(50, COUNT - start) }, (_, k) => recordsOf(start + k));
    await store.addReports(batch.map((r) => r.report));
    const claimed = new Set(await store.claimReports('bench', { limit: 50, leaseMs: 600_000 }));
    for (const r of batch) {
      const id = r.report.id;
      await store.transaction(async (tx) => {
        await tx.recordUrl(id, r.url, r.provenance.observedAt);
        await tx.recordResolution(r.url.url, r.resolution, r.provenance);
        await tx.markStepDone(id, 'resolve', PRODUCER);
      });
      await store.transaction(async (tx) => {
        await tx.recordHosting(r.host, r.hosting, r.provenance);
        await tx.markStepDone(id, 'locate', PRODUCER);
      });
      await store.transaction(async (tx) => {
        await tx.recordMedia(id, r.media, r.provenance);
        await tx.recordMatches(id, r.media.path, r.match, r.provenance);
        await tx.markStepDone(id, 'match', PRODUCER);
      });
      await store.transaction(async (tx) => {
        await tx.recordQualification(id, r.qualification, r.provenance);
        await tx.markStepDone(id, 'qualify', PRODUCER);
      });
      if (claimed.has(id)) await store.completeReport(id, 'bench');
    }
  }
}

/** Wall seconds and this process's CPU seconds (the machine is shared: CPU time is the steadier figure). */
async function measure(fn) {
  const [start, cpu] = [performance.now(), process.cpuUsage()];
  await fn();
  const used = process.cpuUsage(cpu);
  return { wall: (performance.now() - start) / 1000, cpu: (used.user + used.system) / 1e6 };
}

const rows = [];
const ms = (seconds, count = COUNT) => ((seconds * 1000) / count).toFixed(3);
const rss = () => `${Math.round(process.memoryUsage().rss / 2 ** 20)} MB`;

const jsonl = join(dir, 'records.jsonl');
const baseline = await measure(async () => {
  for (let i = 0; i < COUNT; i++) appendFileSync(jsonl, `${JSON.stringify(recordsOf(i))}\n`);
});
rows.push(['JSON Lines append (baseline)', COUNT, ms(baseline.wall), ms(baseline.cpu), '', rss()]);

const image = join(REPO_ROOT, 'samples', 'shapes.png');
await hashFile(image, { algorithms: ['md5', 'pdq'] });
const hashRounds = 50;
const hashing = await measure(async () => {
  for (let i = 0; i < hashRounds; i++) await hashFile(image, { algorithms: ['md5', 'pdq'] });
});
rows.push(['hash one sample image (md5+pdq)', hashRounds, ms(hashing.wall, hashRounds), ms(hashing.cpu, hashRounds), '', rss()]);

const server = await startPostgres({ fsync: true });
const locations = [['SQLite (WAL, synchronous=normal)', join(dir, 'case.sqlite')]];
if (server) locations.push(['PostgreSQL 15 (local, fsync on, synchronous_commit off)', await server.createDatabase()]);
else console.log('bench/store: PostgreSQL not installed, SQLite only');

for (const [name, location] of locations) {
  const store = await openCaseStore(location);
  const first = await measure(() => triageWrites(store));
  const again = await measure(() => triageWrites(store));
  const totals = await store.totals();
  if (totals.reports !== COUNT || totals.hosts !== Math.min(500, COUNT)) throw new Error(`unexpected totals ${JSON.stringify(totals)}`);
  await store.close();
  const share = (first.wall / COUNT / (first.wall / COUNT + hashing.wall / hashRounds)) * 100;
  rows.push([`${name}: first run`, COUNT, ms(first.wall), ms(first.cpu), `${share.toFixed(0)} %`, rss()]);
  rows.push([`${name}: same batch again`, COUNT, ms(again.wall), ms(again.cpu), '', rss()]);
}
await server?.stop();
await rm(dir, { recursive: true, force: true });

printTable(
  `Case store writes per triaged report (${COUNT} reports over ${Math.min(500, COUNT)} hosts)`,
  ['what', 'reports', 'wall ms/report', 'CPU ms/report', 'store / (store + hashing)', 'RSS'],
  rows,
);
