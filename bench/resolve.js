// vigie resolve throughput: 1,000 URLs (each 301 → 200 through a name served by dnsmasq) against nginx on loopback
// and against a peer answering after 20 ms, with --jobs 32 against --jobs 1 as the baseline measured in the same run, and memory before/after.
// Run: npm run build && node --expose-gc bench/resolve.js [count]
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveBatch } from '../dist/net/resolve.js';
import { freePort, listening, sbin } from './lib.js';

const COUNT = Number(process.argv[2] ?? 1000);
const [nginx, dnsmasq] = [sbin('nginx'), sbin('dnsmasq')];
if (!nginx || !dnsmasq) {
  console.log('bench/resolve: skipped (needs nginx-light and dnsmasq-base)');
  process.exit(0);
}


const dir = await mkdtemp(join(tmpdir(), 'vigie-bench-'));
await chmod(dir, 0o755);
const [webPort, dnsPort, slowPort] = [await freePort('127.0.0.1'), await freePort('127.0.0.1'), await freePort('127.0.0.1')];
// A peer 20 ms away, as a real server is: answers every request after 20 ms (in its own process).
const slowServer = `require('node:http').createServer((q, r) => setTimeout(() => q.url.startsWith('/r')
  ? r.writeHead(301, { location: '/final' }).end() : r.writeHead(200, { 'content-type': 'text/html' }).end('<p>final'), 20))
  .listen(${slowPort}, '127.0.0.1')`;
await writeFile(
  join(dir, 'nginx.conf'),
  `worker_processes 1; pid ${dir}/nginx.pid; error_log ${dir}/error.log;
events { worker_connections 1024; }
http { access_log off; client_body_temp_path ${dir}/b; proxy_temp_path ${dir}/p; fastcgi_temp_path ${dir}/f;
  uwsgi_temp_path ${dir}/u; scgi_temp_path ${dir}/s;
  server { listen 127.0.0.1:${webPort}; absolute_redirect off;
    location = /r { return 301 /final; }
    location = /final { default_type text/html; return 200 '<html><title>final</title></html>'; } } }`,
);
const children = [
  spawn(nginx, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log'), '-g', 'daemon off;'], { stdio: 'ignore' }),
  spawn(dnsmasq, ['--keep-in-foreground', '--conf-file=/dev/null', '--no-resolv', '--no-hosts', '--bind-interfaces',
    '--listen-address=127.0.0.1', `--port=${dnsPort}`, `--pid-file=${dir}/dnsmasq.pid`, '--local=/bench.example/',
    '--host-record=web.bench.example,127.0.0.1'], { stdio: 'ignore' }),
  spawn(process.execPath, ['-e', slowServer], { stdio: 'ignore' }),
];
const stopAll = () => Promise.all(children.map((child) => child.exitCode === null && new Promise((resolve) => child.once('exit', resolve).kill())));

try {
  await listening('127.0.0.1', webPort);
  await listening('127.0.0.1', dnsPort);
  await listening('127.0.0.1', slowPort);
  const options = { dns: { resolver: `127.0.0.1:${dnsPort}`, timeoutMs: 2000 }, perHost: 32, allowPrivate: true };
  const run = async (jobs, port) => {
    const urls = Array.from({ length: COUNT }, (_, i) => `http://web.bench.example:${port}/r?i=${i}`);
    globalThis.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    let failed = 0;
    for await (const record of resolveBatch(urls, { ...options, jobs })) if (record.error || record.hops.length !== 2) failed++;
    const seconds = (performance.now() - started) / 1000;
    globalThis.gc?.();
    return { jobs, port, seconds, rate: COUNT / seconds, failed, rssBefore, rssAfter: process.memoryUsage().rss };
  };
  await run(8, webPort); // warm-up: JIT, nginx worker, socket tables
  const mb = (bytes) => (bytes / 1048576).toFixed(0);
  console.log(`vigie resolve: ${COUNT} URLs, each 2 HTTP hops (301 → 200) + DNS from dnsmasq, all on loopback`);
  console.log('server                jobs  seconds  URLs/s  failed  RSS before → after (MB)');
  for (const [label, port] of [['nginx', webPort], ['20 ms latency (node)', slowPort]]) {
    const [single, parallel] = [await run(1, port), await run(32, port)];
    for (const r of [single, parallel]) {
      console.log(`${label.padEnd(20)}  ${String(r.jobs).padEnd(4)}  ${r.seconds.toFixed(2).padStart(7)}  ${r.rate.toFixed(0).padStart(6)}  ${String(r.failed).padStart(6)}  ${mb(r.rssBefore)} → ${mb(r.rssAfter)}`);
    }
    console.log(`${label.padEnd(20)}  ratio --jobs 32 / --jobs 1: ${(parallel.rate / single.rate).toFixed(2)}×`);
  }
} finally {
  await stopAll();
  await rm(dir, { recursive: true, force: true });
}
