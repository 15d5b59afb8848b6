// `vigie report` on a generated case of 1,000,000 reports (issue 15), on SQLite and on PostgreSQL (a local server
// started like the tests'), against baselines measured in the same run: for the HTML report, the grouped queries it
// runs (collectFigures: the store's counts, nothing rendered); for CSV and JSON Lines, which stream every report, the
// row query streamed (store.outcomeFacts read to the end, nothing formatted or written).
// Run: npm run build && node --expose-gc bench/report.js [--reports 1000000] [--only sqlite|postgres] [--rounds 1]
//
// The case is generated in SQL (INSERT … SELECT over a generated series: a recursive CTE on SQLite,
// generate_series on PostgreSQL) after the store has created its schema: 2 years of reports, 8 sources, ~50 hosting
// countries, 5,000 hosts and domains over 20 TLDs, 400 providers, 70 % as many URLs as reports (the rest re-report
// them), qualifications, analysts' decisions, host/PHAROS/registrar notices for the illegal share, and re-checks with
// removal times. The SQLite file is cached in $TMPDIR/vigie-bench-report/ (delete the directory to regenerate it);
// the PostgreSQL database is generated on every run, then ANALYZEd as autovacuum would.
// Each measurement runs in a child process (so that its peak RSS is its own), each report through the real CLI
// (bin/vigie.js), each child timed from its start (Node start-up and module loading count in both columns); every
// measurement runs once (`--rounds 3`: the fastest of 3 interleaved runs; the machine is shared, and the CPU
// column, this process's CPU time, moves least with the load).
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { REPO_ROOT, printTable } from './lib.js';

const self = fileURLToPath(import.meta.url);
const store = new URL('../dist/triage/store/index.js', import.meta.url).href;
const triage = new URL('../dist/triage/index.js', import.meta.url).href;
const PEAK = join(REPO_ROOT, 'bench', 'workers', 'peak.js');
const GENERATION = 2; // bump when the generated data changes, so that a cached file is not reused

// ── Child jobs: the baselines ──────────────────────────────────────────────────────────────────────────────────

if (process.argv[2] === '--child') {
  const [job, location] = process.argv.slice(3);
  const { openCaseStore } = await import(store);
  const { collectFigures } = await import(triage);
  const opened = await openCaseStore(location);
  let detail;
  if (job === 'queries') {
    const figures = await collectFigures(opened, { caseName: opened.location, producer: 'bench', observedAt: new Date().toISOString() });
    detail = { reports: figures.reports, illegal: figures.illegal };
  } else if (job === 'rows') {
    let rows = 0;
    for await (const _ of opened.outcomeFacts()) rows++;
    detail = { rows };
  }
  await opened.close();
  process.stdout.write(JSON.stringify(detail));
  process.exit(0);
}

// ── Generation ─────────────────────────────────────────────────────────────────────────────────────────────────

const { values: args } = parseArgs({
  options: { reports: { type: 'string', default: '1000000' }, only: { type: 'string' }, rounds: { type: 'string', default: '1' } },
});
const ROUNDS = Number(args.rounds);
const N = Number(args.reports);
const U = Math.floor(N * 0.7);
const HOSTS = 5000;
const BASE = Date.UTC(2024, 11, 1) / 1000;
const STEP = Math.max(1, Math.floor((2 * 365 * 86400) / N)); // seconds between reports: 2 years in all
const PRODUCER = 'vigie bench';

const MULTIPLIERS = [2654435761, 2246822519, 3266489917, 668265263, 374761393, 1103515245, 1664525, 22695477, 134775813, 214013];
/** A pseudo-random integer from `e` (a SQL integer expression), independent for each salt. */
const mix = (e, salt) => `((cast(${e} as bigint) + ${salt * 7919}) * ${MULTIPLIERS[salt]} % 4294967291)`;
/** An index in [0, k) skewed toward 0 (the first few values are the most frequent), from a mixed value. */
const skew = (mixed, k) => `((${mixed} % 1000) * (${mixed} % 1000) * ${k} / 1000000)`;
/** A SQL CASE picking `values[index]`. */
const pick = (index, values) => `case ${index} ${values.map((value, i) => `when ${i} then '${value}'`).join(' ')} end`;

const SOURCES = ['public-form', 'partner-de', 'partner-nl', 'partner-us', 'partner-uk', 'pharos', 'e-mail', 'partner-ca'];
const COUNTRIES = ('NL US DE FR RU CA GB LU RO UA BG SE FI PL CZ LT LV EE SG HK JP KR TW IN VN TH MY ID AU NZ BR AR MX CL ' +
  'ZA TR IL AE CH AT BE IT ES PT IE DK NO IS HU SK').split(' ');
const TLDS = ['com', 'net', 'org', 'ru', 'nl', 'de', 'fr', 'io', 'to', 'cc', 'me', 'xyz', 'info', 'su', 'biz', 'co', 'tk', 'uk', 'eu', 'ws'];
const CATEGORIES = ['vics-us:1', 'caid:A', 'caid:B', 'caid:C', 'vics-us:3', 'hotline:terrorism', 'hotline:hate'];

/** reportedAt of report `i` as seconds (a SQL expression): `STEP` apart, jittered within the step. */
const seconds = (i) => `(${BASE} + (${i}) * ${STEP} + ${mix(i, 9)} % ${STEP})`;
/** Report `i`'s class, 0–99: < 25 auto-qualified, < 40 illegal by decision, < 55 not illegal, < 85 under review, else pending. */
const klass = (i) => `(${mix(i, 3)} % 100)`;
/** The URL report `i` reports: its own for the first U, an earlier one for the rest (re-reports). */
const urlOf = (i) => `(case when ${i} <= ${U} then ${i} else 1 + ${mix(i, 2)} % ${U} end)`;

function dialectSql(dialect) {
  return {
    series: (n, columns, where = '') =>
      dialect === 'sqlite'
        ? `with recursive g(i) as (select 1 union all select i + 1 from g where i < ${n}) select ${columns} from g ${where}`
        : `select ${columns} from generate_series(1::bigint, ${n}) as g(i) ${where}`,
    /** 1-based position of `needle` in the text `expr`. */
    find: (expr, needle) => (dialect === 'sqlite' ? `instr(${expr}, '${needle}')` : `strpos(${expr}, '${needle}')`),
    iso: (secondsExpr) =>
      dialect === 'sqlite'
        ? `strftime('%Y-%m-%dT%H:%M:%fZ', ${secondsExpr}, 'unixepoch')`
        : `to_char(to_timestamp(${secondsExpr}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
  };
}

/** The generating statements, in order. */
function generation(dialect) {
  const { series, find, iso } = dialectSql(dialect);
  const c = klass('i');
  const illegal = `${c} < 40`;
  const hostRows = Array.from({ length: HOSTS }, (_, k) => {
    const tld = TLDS[Math.floor(((k * 7) % 1000) ** 2 * TLDS.length / 1e6)];
    const domain = `site${k}.${tld}`;
    const country = COUNTRIES[Math.floor(((k * 389) % 1000) ** 2 * COUNTRIES.length / 1e6)];
    const provider = `Provider ${Math.floor(((k * 131) % 1000) ** 2 * 400 / 1e6)} Ltd`;
    return `(${k}, 'www.${domain}', '${domain}', '${tld}', '${country}', '${provider}')`;
  });
  // URL i's first report is report i: under notice when that report is illegal, and then removed (90 %) 0–720 hours
  // after it, mostly early; a check per URL under notice records the removal or that it is still online.
  const removed = `${klass('i')} < 40 and ${mix('i', 7)} % 10 <> 0`;
  const removedAt = iso(`${seconds('i')} + ${skew(mix('i', 8), 720)} * 3600 + 1800`);
  return [
    `create table "benchHosts" (k integer primary key, name text, domain text, tld text, country text, provider text)`,
    `insert into "benchHosts" values ${hostRows.join(', ')}`,
    `insert into hosts (name, domain, country, provider, asn, info, producer, "observedAt")
      select name, domain, country, provider, 64500 + k % 400,
        '{"target":"' || name || '","kind":"domain","addresses":[]}', '${PRODUCER}', '2024-12-01T00:00:00.000Z' from "benchHosts"`,
    `insert into urls (id, "urlKey", url, host, domain, tld, flags, "firstSeenAt", "lastCheckedAt", "removedAt")
      select s.u, 'bench-' || cast(s.u as text), 'http://' || h.name || '/gallery/' || cast(s.u as text) || '/index.html',
        h.name, h.domain, h.tld, '[]', s."firstSeenAt", s."removedAt", s."removedAt"
      from (${series(U, `i as u, ${skew(mix('i', 1), HOSTS)} as k, ${iso(seconds('i'))} as "firstSeenAt",
        case when ${removed} then ${removedAt} end as "removedAt"`)}) s
      join "benchHosts" h on h.k = s.k`,
    `insert into reports (seq, id, batch, line, source, "reportedAt", "urlInput", "urlId", status, priority, "storedAt", attempts, "doneAt")
      ${series(N, `i, 'R' || cast(i as text), 'bench-' || cast(i / 10000 as text), i % 10000 + 1,
        ${pick(skew(mix('i', 4), SOURCES.length), SOURCES)}, ${iso(seconds('i'))},
        'hxxp://bench.example/' || cast(${urlOf('i')} as text), ${urlOf('i')},
        case when ${illegal} then 'notified' when ${c} < 55 then 'not-illegal' when ${c} < 85 then 'needs-review' else 'pending' end,
        0, ${iso(seconds('i'))}, 1, case when ${c} < 85 then ${iso(seconds('i'))} end`)}`,
    `insert into qualifications ("reportId", status, "categoryScheme", "categoryValue", illegal, priority, record, producer, "observedAt")
      ${series(N, `'R' || cast(i as text), case when ${c} < 25 then 'auto-qualified' else 'needs-review' end,
        case when ${c} < 25 then 'vics-us' end, case when ${c} < 25 then '1' end, case when ${c} < 25 then 1 end,
        0, '{}', '${PRODUCER}', ${iso(seconds('i'))}`, `where ${c} < 85`)}`,
    `insert into decisions ("reportId", verdict, "categoryScheme", "categoryValue", analyst, "decidedAt", revision)
      select id, verdict, substr(category, 1, ${find('category', ':')} - 1), substr(category, ${find('category', ':')} + 1), analyst, at, 1
      from (${series(N, `'R' || cast(i as text) as id, case when ${illegal} then 'illegal' else 'not-illegal' end as verdict,
        case when ${illegal} then ${pick(skew(mix('i', 5), CATEGORIES.length), CATEGORIES)} end as category,
        'analyst-' || cast(i % 7 as text) as analyst, ${iso(`${seconds('i')} + 7200`)} as at`, `where ${c} >= 25 and ${c} < 55`)}) d`,
    // Host notices of 8 consecutive reports, PHAROS notices of 64, registrar notices for 3 % (the host did not act).
    ...[
      ['host', 8, ''],
      ['pharos', 64, ''],
      ['registrar', 8, ` and ${mix('i', 6)} % 100 < 3`],
    ].map(
      ([kind, group, more]) => `insert into "noticeReports" ("noticeId", "reportId")
        ${series(N, `'${kind}-' || cast(i / ${group} as text), 'R' || cast(i as text)`, `where ${illegal}${more}`)}`,
    ),
    `insert into notices (id, kind, status, recipient, files, record, "createdAt", "sentAt", producer)
      select "noticeId", substr("noticeId", 1, ${find('"noticeId"', '-')} - 1), 'sent', 'abuse@provider.example', '[]', '{}', first, first, '${PRODUCER}'
      from (select nr."noticeId", min(r."reportedAt") as first from "noticeReports" nr join reports r on r.id = nr."reportId"
        group by nr."noticeId") n`,
    `insert into checks ("urlId", day, "checkedAt", outcome, evidence, producer)
      select id, substr(coalesce("removedAt", "firstSeenAt"), 1, 10), coalesce("removedAt", "firstSeenAt"),
        case when "removedAt" is null then 'online' else 'removed' end, '{}', '${PRODUCER}'
      from urls where ${klass('id')} < 40`,
    `drop table "benchHosts"`,
  ];
}

async function generateSqlite(path) {
  const { openCaseStore } = await import(store);
  await (await openCaseStore(path, { producer: PRODUCER })).close(); // the store creates its schema
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(path);
  db.pragma('synchronous = off');
  db.transaction(() => {
    for (const statement of generation('sqlite')) db.exec(statement);
  })();
  db.close();
}

async function generatePostgres(location) {
  const { openCaseStore } = await import(store);
  await (await openCaseStore(location, { producer: PRODUCER })).close();
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: location });
  await client.connect();
  try {
    await client.query('begin');
    for (const statement of generation('postgres')) await client.query(statement);
    // The generated ids were given explicitly: the identity sequences continue after them, as after real inserts.
    await client.query(`select setval(pg_get_serial_sequence('reports', 'seq'), ${N}), setval(pg_get_serial_sequence('urls', 'id'), ${U})`);
    await client.query('commit');
    await client.query('analyze');
  } finally {
    await client.end();
  }
}

// ── Measurements ───────────────────────────────────────────────────────────────────────────────────────────────

const work = mkdtempSync(join(tmpdir(), 'vigie-bench-report-out-'));

/** Runs `node --import peak.js <args>`; returns its seconds, CPU seconds, peak RSS and what it printed. */
function measure(args) {
  const peak = join(work, 'peak.json');
  rmSync(peak, { force: true });
  const run = spawnSync(process.execPath, ['--import', PEAK, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    env: { ...process.env, VIGIE_BENCH_PEAK: peak },
  });
  if (run.status !== 0) throw new Error(`${args.join(' ')} failed (${run.status}): ${run.stderr}`);
  return { ...JSON.parse(readFileSync(peak, 'utf8')), stdout: run.stdout };
}

const vigie = (location, format, extra = []) => [
  join(REPO_ROOT, 'bin', 'vigie.js'), 'report', '--case', location, '-f', format, '-o', join(work, `report.${format}`), ...extra,
];

/** The fastest of `--rounds` interleaved runs of each of `jobs` (name → node arguments). */
function fastest(jobs) {
  const best = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, args] of Object.entries(jobs)) {
      const result = measure(args);
      if (!best[name] || result.seconds < best[name].seconds) best[name] = result;
    }
  }
  return best;
}

const fmt = (value, digits = 2) => value.toFixed(digits);

function benchCase(label, location) {
  const html = fastest({ queries: [self, '--child', 'queries', location], html: vigie(location, 'html') });
  const rows = fastest({
    rows: [self, '--child', 'rows', location],
    csv: vigie(location, 'csv'),
    jsonl: vigie(location, 'jsonl'),
  });
  // One month instead of 24: a streamed export's peak memory does not grow with the number of rows.
  const month = measure(vigie(location, 'csv', ['--from', '2025-06-01', '--to', '2025-07-01']));
  const counted = JSON.parse(rows.rows.stdout).rows;
  const jsonlLines = readFileSync(join(work, 'report.jsonl'), 'utf8').split('\n').length - 1;
  if (jsonlLines !== counted) throw new Error(`the JSON Lines export has ${jsonlLines} lines for ${counted} rows`);
  const row = (name, result, base) => [
    name, fmt(result.seconds), fmt(result.cpuSeconds), fmt(result.maxRssMb, 0),
    base ? fmt(result.seconds / base.seconds) : '', base ? fmt(result.cpuSeconds / base.cpuSeconds) : '',
  ];
  const headers = ['work', 'seconds', 'CPU s', 'peak RSS MB', 'time ÷ baseline', 'CPU ÷ baseline'];
  printTable(`${label}: ${N.toLocaleString('en')} reports`, headers, [
    row('grouped queries alone (baseline)', html.queries),
    row('vigie report -f html', html.html, html.queries),
    row('row query streamed (baseline)', rows.rows),
    row('vigie report -f csv', rows.csv, rows.rows),
    row('vigie report -f jsonl', rows.jsonl, rows.rows),
    row('vigie report -f csv, one month', month),
  ]);
  console.log(`\nCSV: ${counted.toLocaleString('en')} rows; HTML ${fmt(statSync(join(work, 'report.html')).size / 1024, 0)} KB.`);
}

console.log(`# vigie report on ${N.toLocaleString('en')} generated reports`);
try {
  if (args.only !== 'postgres') {
    const cache = join(tmpdir(), 'vigie-bench-report');
    mkdirSync(cache, { recursive: true });
    const path = join(cache, `case-${N}-g${GENERATION}.sqlite`);
    if (!existsSync(path)) {
      const started = performance.now();
      const partial = `${path}.partial`;
      rmSync(partial, { force: true });
      await generateSqlite(partial);
      renameSync(partial, path);
      console.log(`SQLite case generated in ${fmt((performance.now() - started) / 1000, 1)} s (${fmt(statSync(path).size / 2 ** 20, 0)} MB, cached as ${path})`);
    } else {
      console.log(`SQLite case reused from ${path} (delete it to regenerate)`);
    }
    // Read once so that the first measurement does not pay for bringing the file into the page cache.
    for await (const _ of createReadStream(path, { highWaterMark: 1 << 20 }));
    benchCase('SQLite', path);
  }
  if (args.only !== 'sqlite') {
    const { startPostgres } = await import('../test/helpers/postgres.js');
    const server = await startPostgres();
    if (!server) {
      console.log('\nPostgreSQL skipped: initdb/pg_ctl not found (apt-get install postgresql).');
    } else {
      try {
        const location = await server.createDatabase();
        const started = performance.now();
        await generatePostgres(location);
        console.log(`\nPostgreSQL case generated in ${fmt((performance.now() - started) / 1000, 1)} s`);
        benchCase('PostgreSQL', location);
      } finally {
        await server.stop();
      }
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
