// Triage bench (issue 14): `vigie triage` on 10,000 synthetic reports over 500 host names against local servers,
// the servers the tests use: dnsmasq answers every name under `.test` with 127.0.0.1, nginx serves the pages and
// the synthetic media (samples/ and samples/transformed/), loopback RDAP and WHOIS servers stand for the registries;
// one report in five comes with a media file, matched against the sample hash set (samples/reports-known.vhs).
// On SQLite and on PostgreSQL (a local server started like the tests', fsync on), each: an uninterrupted run, then
// a run SIGKILLed at 50 % and the same command again. Figures come from the runs themselves (`--timings -f jsonl`):
// total time, peak RSS, the wall time of each stage and the store's share; the access log counts the HTTP requests.
// Usage: npm run build && node --expose-gc bench/triage.js [--quick] [--sqlite-only] [reports]
// (VIGIE_BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the triage processes.)
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { importHelper, printTable, REPO_ROOT } from './lib.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const REPORTS = Number(args.find((arg) => /^\d+$/.test(arg)) ?? (quick ? 1000 : 10_000));
const HOSTS = quick ? 50 : 500;
/** Reports coming with a media file (a partner's report). */
const MEDIA_EVERY = 5;
/** One report in eleven (without media) repeats an earlier URL (one URL, two reports); 11 is prime to the host count. */
const REPEAT_EVERY = 11;
const JOBS = 8;
/** Node options for the `vigie triage` processes (`--cpu-prof`, say), which NODE_OPTIONS does not all take. */
const nodeArgs = (process.env.VIGIE_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
const STAGE_ORDER = ['read', 'clean', 'resolve', 'locate', 'hash', 'match', 'qualify', 'drafts', 'store'];

const { findBinary, startDnsmasq, startNginx } = await importHelper('servers');
const { startHttpServer, startWhoisServers } = await importHelper('fake-servers');
const { writeMirroredBootstrap } = await importHelper('rdap-mirror');
const { postgresBinaries, startPostgres } = await import('../test/helpers/postgres.js');

const dnsmasqBinary = findBinary('dnsmasq', 'dnsmasq-base');
const nginxBinary = findBinary('nginx', 'nginx-light');
if (!dnsmasqBinary || !nginxBinary) {
  console.log('bench/triage: skipped (needs dnsmasq and nginx: apt-get install dnsmasq-base nginx-light)');
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'vigie-bench-triage-'));
const media = [
  ...readdirSync(join(REPO_ROOT, 'samples')).filter((name) => name.endsWith('.png')),
  ...readdirSync(join(REPO_ROOT, 'samples/transformed')).map((name) => `transformed/${name}`),
];
mkdirSync(join(dir, 'transformed'));
for (const name of media) copyFileSync(join(REPO_ROOT, 'samples', name), join(dir, name));
copyFileSync(join(REPO_ROOT, 'samples/reports-known.vhs'), join(dir, 'known.vhs'));

const servers = [];
try {
  const dns = await startDnsmasq(dnsmasqBinary, ['--address=/test/127.0.0.1']);
  servers.push(dns);
  const page = '<html><body><p>synthetic page</p><img src="/m/shapes.png"></body></html>';
  const web = await startNginx(
    nginxBinary,
    `server {
      listen 127.0.0.1:PORT;
      location /m/ { alias DIR/m/; }
      location / { default_type text/html; return 200 '${page}'; }
    }`,
  );
  servers.push(web);
  mkdirSync(join(web.dir, 'm', 'transformed'), { recursive: true, mode: 0o755 });
  for (const name of media) copyFileSync(join(REPO_ROOT, 'samples', name), join(web.dir, 'm', name));
  const rdap = await startHttpServer((_request, response) => {
    response.writeHead(404);
    response.end();
  });
  servers.push({ stop: () => rdap.close() });
  const whois = await startWhoisServers({ 'whois.iana.org': {} });
  servers.push({ stop: () => whois.close() });
  await writeMirroredBootstrap(join(dir, 'bootstrap'), rdap.base);

  // 500 host names (www. and cdn. of 250 registrable domains), pages and media URLs, 9 % repeated URLs.
  const reports = join(dir, 'reports.csv');
  const rows = ['id,url,reported_at,source,category_claimed,ip,media'];
  const urls = [];
  for (let n = 0; n < REPORTS; n++) {
    const host = `${n % 2 ? 'cdn' : 'www'}.site${Math.floor((n % HOSTS) / 2)}.test`;
    const file = n % MEDIA_EVERY === 0 ? media[(n / MEDIA_EVERY) % media.length] : '';
    let url = file ? `http://${host}:${web.port}/m/${file}` : `http://${host}:${web.port}/p/${n}.html`;
    if (!file && n % REPEAT_EVERY === REPEAT_EVERY - 1) url = urls[Math.floor(n / 2)];
    urls.push(url);
    const at = new Date(Date.UTC(2026, 10, 2) + n * 1000).toISOString();
    rows.push(`B${n},${url},${at},${n % 3 ? 'public-form' : 'inhope:NL'},${n % 4 ? 'csam' : ''},,${file}`);
  }
  writeFileSync(reports, `${rows.join('\n')}\n`);
  const distinctUrls = new Set(urls).size;

  const accessLog = join(web.dir, 'access.log');
  const requests = () => readFileSync(accessLog, 'utf8').split('\n').filter(Boolean).length;

  /** One `vigie triage` process; `killAt` reports processed: SIGKILL it when its log says so. */
  function triage(casePath, label, killAt) {
    const cli = [
      join(REPO_ROOT, 'bin/vigie.js'), 'triage', reports, '--case', casePath, '--against', join(dir, 'known.vhs'),
      '--allow-private', '--resolver', `${dns.host}:${dns.port}`, '--bootstrap-dir', join(dir, 'bootstrap'),
      '--whois-server', `whois.iana.org=${whois.servers['whois.iana.org']}`, '--cache-dir', join(dir, `cache-${label}`),
      '--rate-limit', '0', '--timeout', '10000', '-j', String(JOBS), '--lease', '2000', '--timings', '-f', 'jsonl',
    ];
    return new Promise((resolve, reject) => {
      const before = requests();
      const started = performance.now();
      const child = spawn(process.execPath, [...nodeArgs, ...cli], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      let killed = false;
      child.stdout.on('data', (chunk) => (stdout += chunk));
      createInterface({ input: child.stderr }).on('line', (line) => {
        stderr += `${line}\n`;
        const done = /triage: (\d+)\/(\d+) reports processed/.exec(line);
        if (killAt !== undefined && done && Number(done[1]) >= killAt && !killed) {
          killed = true;
          child.kill('SIGKILL');
        }
      });
      child.on('error', reject);
      child.on('close', (code) => {
        const seconds = (performance.now() - started) / 1000;
        if (killed) return resolve({ killed: true, seconds, requests: requests() - before });
        if (code !== 0) return reject(new Error(`vigie triage (${label}) exited ${code}: ${stderr.slice(-2000)}`));
        resolve({ killed: false, seconds, requests: requests() - before, summary: JSON.parse(stdout) });
      });
    });
  }

  async function backend(name, location) {
    const full = await triage(await location('full'), `${name}-full`);
    const killedCase = await location('killed');
    const killed = await triage(killedCase, `${name}-killed`, REPORTS / 2);
    const resumed = await triage(killedCase, `${name}-killed`);
    const { timings } = full.summary;
    const mb = (bytes) => (bytes / 1e6).toFixed(0);
    printTable(
      `triage ${name}: ${REPORTS} reports over ${HOSTS} hosts (${distinctUrls} URLs, ${REPORTS / MEDIA_EVERY} media), -j ${JOBS}`,
      ['run', 'reports', 'process s', 'CPU s', 'reports/s', 'HTTP requests', 'peak RSS MB', 'store share'],
      [
        ['uninterrupted', full.summary.processed, full.seconds.toFixed(1), (full.summary.cpuMs / 1000).toFixed(1), (full.summary.processed / full.seconds).toFixed(0), full.requests, mb(full.summary.peakRssBytes), share(timings, 'store')],
        ['killed at 50 %', `≥ ${REPORTS / 2}`, killed.seconds.toFixed(1), '', '', killed.requests, '', ''],
        ['rerun (resume)', resumed.summary.processed, resumed.seconds.toFixed(1), (resumed.summary.cpuMs / 1000).toFixed(1), (resumed.summary.processed / resumed.seconds).toFixed(0), resumed.requests, mb(resumed.summary.peakRssBytes), share(resumed.summary.timings, 'store')],
      ],
    );
    printTable(
      `triage ${name}, uninterrupted run: time per stage, summed over the reports in flight (share of the work's ${(timings.workMs / 1000).toFixed(1)} s), and wall time`,
      ['stage', 'summed s', 'share of work', 'wall s', 'calls'],
      [
        ...STAGE_ORDER.map((stage) => {
          const t = timings.stages[stage];
          return [stage, (t.busyMs / 1000).toFixed(1), share(timings, stage), (t.wallMs / 1000).toFixed(1), t.calls];
        }),
        ['(run)', (timings.workMs / 1000).toFixed(1), '100 %', (timings.wallMs / 1000).toFixed(1), ''],
      ],
    );
    const ratio = resumed.seconds / full.seconds;
    const repeated = killed.requests + resumed.requests - full.requests;
    console.log(
      `\n${name}: resumed run ${resumed.seconds.toFixed(1)} s = ${(100 * ratio).toFixed(0)} % of the uninterrupted ${full.seconds.toFixed(1)} s ` +
        `(CPU ${(100 * resumed.summary.cpuMs / full.summary.cpuMs).toFixed(0)} %); ` +
        `HTTP requests killed + resumed − uninterrupted = ${repeated} (requests in flight at the kill, at most ${JOBS}); ` +
        `case: ${resumed.summary.case.reports} reports, ${resumed.summary.case.urls} URLs, ${resumed.summary.case.hosts} hosts, ${resumed.summary.case.autoQualified} auto-qualified, ${resumed.summary.case.needsReview} to review, ${resumed.summary.case.failed} failed.`,
    );
  }

  await backend('SQLite', async (label) => join(dir, `${label}.sqlite`));
  if (args.includes('--sqlite-only')) {
    console.log('\nPostgreSQL: not run (--sqlite-only)');
  } else if (!postgresBinaries()) {
    console.log('\nPostgreSQL: skipped (initdb/pg_ctl not found: apt-get install postgresql)');
  } else {
    const pg = await startPostgres({ fsync: true });
    servers.push(pg);
    await backend('PostgreSQL', () => pg.createDatabase());
    // What one statement costs here, as the store sends them (parameters, so parsed and planned by the server each
    // time): the floor under each of a report's ~20 statements.
    const { default: pgClient } = await import('pg');
    const client = new pgClient.Client({ connectionString: await pg.createDatabase() });
    await client.connect();
    const started = performance.now();
    for (let n = 0; n < 2000; n++) await client.query('select $1::int as n', [n]);
    console.log(`PostgreSQL: one statement round trip (select $1, sequential) ${((performance.now() - started) / 2000).toFixed(2)} ms`);
    await client.end();
  }
} finally {
  for (const server of servers.reverse()) await server.stop().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}

/** A stage's share of the run's work (the time reports in flight spent on it, summed). */
function share(timings, stage) {
  return `${((100 * timings.stages[stage].busyMs) / timings.workMs).toFixed(1)} %`;
}
