// Triage bench: 10,000 synthetic reports over 500 hosts, offline (hosting from the reports' IP and GeoIP; the network
// stages are measured by the resolve and geo benches), on SQLite: total time, peak RSS, the time spent in the case
// store (every store call timed), and the cost of a resume after a kill at 50 %.
// Usage: npm run build && node --expose-gc bench/triage.js [reports]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { printTable } from './lib.js';

const { createHostingLookup } = await import('../dist/net/index.js');
const { openCaseStore, runTriage } = await import('../dist/triage/index.js');

const REPORTS = Number(process.argv[2] ?? 10_000);
const HOSTS = 500;
const dir = mkdtempSync(join(tmpdir(), 'vigie-bench-triage-'));
const file = join(dir, 'reports.csv');
const rows = ['id,url,reported_at,source,category_claimed,ip'];
for (let n = 0; n < REPORTS; n++) {
  const host = n % HOSTS;
  rows.push(`B${n},https://www.host${host}.example/p/${n},2026-11-02T10:00:00Z,${n % 3 ? 'public-form' : 'inhope:NL'},csam,198.51.100.${(host % 250) + 1}`);
}
writeFileSync(file, `${rows.join('\n')}\n`);

/** The store with every async method timed (concurrent calls overlap: the sum is an upper bound of its share). */
function timed(store, clock) {
  return new Proxy(store, {
    get(target, name) {
      const value = target[name];
      if (typeof value !== 'function') return value;
      return (...args) => {
        const started = performance.now();
        const result = value.apply(target, args);
        if (result && typeof result.then === 'function') return result.finally(() => (clock.ms += performance.now() - started));
        return result;
      };
    },
  });
}

async function run(casePath, abortAt) {
  const lookup = await createHostingLookup({ rdap: false, whois: false, cacheDir: false });
  const store = await openCaseStore(casePath);
  const clock = { ms: 0 };
  const controller = new AbortController();
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  const started = performance.now();
  const summary = await runTriage({
    store: timed(store, clock),
    files: [file],
    offline: true,
    locate: (target) => lookup.lookup(target),
    worker: 'bench',
    producer: 'vigie bench',
    signal: controller.signal,
    onProgress: (event) => {
      if (abortAt && event.stage === 'processing' && event.done >= abortAt) controller.abort();
    },
  });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  await store.close();
  await lookup.close();
  return { summary, seconds, storeSeconds: clock.ms / 1000, peakMb: Math.max(peak, process.memoryUsage().rss) / 1e6 };
}

try {
  const full = await run(join(dir, 'full.sqlite'));
  const killedCase = join(dir, 'half.sqlite');
  const half = await run(killedCase, REPORTS / 2);
  const resumed = await run(killedCase);
  const row = (label, r) => [
    label,
    r.summary.processed,
    r.seconds.toFixed(1),
    (r.summary.processed / r.seconds).toFixed(0),
    `${((100 * r.storeSeconds) / r.seconds).toFixed(0)} %`,
    r.peakMb.toFixed(0),
  ];
  printTable(`triage, ${REPORTS} reports over ${HOSTS} hosts, offline, SQLite`, ['run', 'reports', 's', 'reports/s', 'store calls (summed)', 'peak RSS MB'], [
    row('uninterrupted', full),
    row('stopped at 50 %', half),
    row('resumed', resumed),
  ]);
  console.log('\nStore call times are summed over the 8 reports in flight (so they exceed 100 %): offline, the run is made of store calls and media-less steps; the network stages the issue measures against are in the resolve and geo benches.');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
