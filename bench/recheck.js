// vigie recheck throughput: a generated case of N URLs under sent notices (default 10,000; one in five a direct media
// URL) on 100 host names served by dnsmasq, every page and media answered by nginx on loopback. Runs the CLI twice
// with the same --now: the first checks every URL (URLs/s, requests counted in nginx's access log, by method), the
// second, the same day, must make no request at all. Run: npm run build && node bench/recheck.js [count]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCaseStore } from '../dist/triage/index.js';
import { freePort, listening, printTable, REPO_ROOT, sbin } from './lib.js';

const COUNT = Number(process.argv[2] ?? 10_000);
const HOSTS = 100;
const [nginx, dnsmasq] = [sbin('nginx'), sbin('dnsmasq')];
if (!nginx || !dnsmasq) {
  console.log('bench/recheck: skipped (needs nginx-light and dnsmasq-base)');
  process.exit(0);
}

const run = (args) =>
  new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/vigie.js'), ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr, seconds: (performance.now() - started) / 1000 }));
  });

const dir = await mkdtemp(join(tmpdir(), 'vigie-bench-recheck-'));
await chmod(dir, 0o755);
const [webPort, dnsPort] = [await freePort('127.0.0.1'), await freePort('127.0.0.1')];
await writeFile(
  join(dir, 'nginx.conf'),
  `worker_processes 1; pid ${dir}/nginx.pid; error_log ${dir}/error.log;
events { worker_connections 1024; }
http { log_format methods '$request_method $status $body_bytes_sent'; access_log ${dir}/access.log methods;
  client_body_temp_path ${dir}/b; proxy_temp_path ${dir}/p; fastcgi_temp_path ${dir}/f; uwsgi_temp_path ${dir}/u; scgi_temp_path ${dir}/s;
  server { listen 127.0.0.1:${webPort};
    location /m/ { default_type image/png; return 200 'not really a picture, only bytes to count'; }
    location / { default_type text/html; return 200 '<html><title>page</title><body>still online</body></html>'; } } }`,
);
const hostNames = Array.from({ length: HOSTS }, (_, i) => `h${i}.bench.test`);
const children = [
  spawn(nginx, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log'), '-g', 'daemon off;'], { stdio: 'ignore' }),
  spawn(dnsmasq, ['--keep-in-foreground', '--conf-file=/dev/null', '--no-resolv', '--no-hosts', '--bind-interfaces',
    '--listen-address=127.0.0.1', `--port=${dnsPort}`, `--pid-file=${dir}/dnsmasq.pid`, '--address=/bench.test/127.0.0.1'], { stdio: 'ignore' }),
];
const stopAll = () => Promise.all(children.map((child) => child.exitCode === null && new Promise((resolve) => child.once('exit', resolve).kill())));

try {
  await listening('127.0.0.1', webPort);
  await listening('127.0.0.1', dnsPort);
  // The case: each URL one report, resolved once at triage (media: a 200 image/png), under a sent host notice per host.
  const caseFile = join(dir, 'case.sqlite');
  const built = performance.now();
  const store = await openCaseStore(caseFile);
  const observedAt = '2026-11-20T09:00:00Z';
  const urls = Array.from({ length: COUNT }, (_, i) => {
    const media = i % 5 === 0;
    return { id: `B-${i}`, host: hostNames[i % HOSTS], media, url: `http://${hostNames[i % HOSTS]}:${webPort}/${media ? 'm/' : 'p/'}${i}` };
  });
  await store.addReports(urls.map((u, line) => ({ id: u.id, batch: 'bench', line, source: 'bench', reportedAt: '2026-11-19T10:00:00Z', url: u.url })));
  await store.transaction(async (tx) => {
    for (const u of urls) {
      await tx.recordUrl(u.id, { url: u.url, host: u.host, domain: 'bench.test', tld: 'test', flags: [] }, observedAt);
      const hop = { url: u.url, timestamp: observedAt, ip: '127.0.0.1', port: webPort, status: 200, contentType: u.media ? 'image/png' : 'text/html' };
      await tx.recordResolution(u.url, { input: u.url, url: u.url, flags: [], hops: [hop], finalUrl: u.url, observedAt, producer: { tool: 'bench' } }, { producer: 'bench', observedAt });
    }
    for (const [index, host] of hostNames.entries()) {
      await tx.recordNotice({
        id: `notice-${index}`, kind: 'host', status: 'sent', recipient: host, files: [], record: {}, createdAt: observedAt,
        sentAt: '2026-11-20T10:00:00Z', producer: 'bench', reportIds: urls.filter((u) => u.host === host).map((u) => u.id),
      });
    }
  });
  await store.close();
  const buildSeconds = (performance.now() - built) / 1000;

  const requests = () => {
    const lines = readFileSync(join(dir, 'access.log'), 'utf8').trim().split('\n').filter(Boolean);
    return { total: lines.length, head: lines.filter((l) => l.startsWith('HEAD ')).length, get: lines.filter((l) => l.startsWith('GET ')).length };
  };
  const args = ['recheck', '--case', caseFile, '--now', '2026-11-21T07:15:00Z', '--resolver', `127.0.0.1:${dnsPort}`, '--allow-private',
    '--per-host', '8', '-j', '32', '--drafts', join(dir, 'drafts'), '-f', 'jsonl', '-q'];
  const rows = [];
  let before = { total: 0, head: 0, get: 0 };
  for (const label of ['first run of the day', 'second run, same day']) {
    const result = await run(args);
    if (result.code !== 1) throw new Error(`vigie recheck exited ${result.code}: ${result.stderr.slice(-1500)}`);
    const after = requests();
    rows.push([label, COUNT, result.seconds.toFixed(2), (COUNT / result.seconds).toFixed(0), after.total - before.total, after.get - before.get, after.head - before.head]);
    before = after;
  }
  console.log(`vigie recheck: ${COUNT} URLs under notice on ${HOSTS} host names (1 in 5 a direct media URL), dnsmasq + nginx on loopback, -j 32 --per-host 8; case built in ${buildSeconds.toFixed(1)} s`);
  printTable('vigie recheck (whole CLI process)', ['run', 'URLs', 'seconds', 'URLs/s', 'requests', 'GET', 'HEAD'], rows);
} finally {
  await stopAll();
  await rm(dir, { recursive: true, force: true });
}
