// Slow-host bench (issue 11): 1,000 URLs against local HTTP servers, one of which answers after 10 s, with -j 32.
// A slow item must not hold back the others: the total should be close to the slow one's 10 s, not a multiple.
// Runs `vigie resolve` end to end, then the core map alone, against the old head-of-line window for contrast.
import { spawn } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { request, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mapOrdered } from '../dist/core/concurrency.js';
import { printTable, REPO_ROOT, time } from './lib.js';

const URLS = 1000;
const JOBS = 32;
const SLOW_MS = 10_000;
const FAST_MS = 20;
const SERVERS = 8;

const servers = await Promise.all(
  Array.from({ length: SERVERS }, () => {
    const server = createServer((req, res) => {
      setTimeout(() => res.end('ok\n'), req.url.startsWith('/slow') ? SLOW_MS : FAST_MS);
    });
    return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
  }),
);
const urlsWith = (slowAt) =>
  Array.from({ length: URLS }, (_, i) => `http://127.0.0.1:${servers[i % SERVERS].address().port}/${slowAt.includes(i) ? 'slow' : 'fast'}/${i}`);

const get = (url) =>
  new Promise((resolve, reject) => {
    request(url, { agent: false }, (res) => res.resume().on('end', () => resolve(res.statusCode))).on('error', reject).end();
  });

// The map as it was before issue 11: a window of `limit` promises, the oldest awaited before starting the next.
async function* headOfLineWindow(source, limit, fn) {
  const window = [];
  for (const item of source) {
    window.push(fn(item));
    if (window.length >= limit) yield await window.shift();
  }
  while (window.length > 0) yield await window.shift();
}

async function drain(iterable) {
  let count = 0;
  for await (const _ of iterable) count++;
  if (count !== URLS) throw new Error(`expected ${URLS} results, got ${count}`);
}

function runCli(urls) {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-bench-'));
  writeFileSync(join(dir, 'urls.txt'), `${urls.join('\n')}\n`);
  return new Promise((resolve, reject) => {
    // --timeout above the slow answer, so that it is an answer and not a timeout.
    const args = [join(REPO_ROOT, 'bin', 'vigie.js'), '--quiet', 'resolve', '--from', join(dir, 'urls.txt'), '-j', String(JOBS), '--timeout', String(2 * SLOW_MS), '-f', 'jsonl'];
    if (allowPrivate) args.push('--allow-private');
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let lines = 0;
    child.stdout.on('data', (chunk) => (lines += chunk.toString().split('\n').length - 1));
    child.on('close', (code) => (lines === URLS ? resolve() : reject(new Error(`vigie resolve exited ${code} with ${lines} lines`))));
  });
}

// `--allow-private` (issue 14) lets the resolver request loopback servers; older builds have no such flag.
const help = await new Promise((resolve) => {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'vigie.js'), 'resolve', '--help']);
  let text = '';
  child.stdout.on('data', (chunk) => (text += chunk));
  child.on('close', () => resolve(text));
});
const allowPrivate = help.includes('--allow-private');

const oneSlow = urlsWith([0]);
const fiveSlow = urlsWith([0, 200, 400, 600, 800]);
const rows = [];
const seconds = (value) => value.toFixed(2);
rows.push(['vigie resolve -j 32 (no slow URL: start-up and work)', seconds(await time(() => runCli(urlsWith([]))))]);
rows.push(['vigie resolve -j 32 (1 slow URL, first)', seconds(await time(() => runCli(oneSlow)))]);
rows.push(['mapOrdered, limit 32 (1 slow)', seconds(await time(() => drain(mapOrdered(oneSlow, JOBS, get))))]);
rows.push(['old head-of-line window, 32 (1 slow)', seconds(await time(() => drain(headOfLineWindow(oneSlow, JOBS, get))))]);
rows.push(['mapOrdered, limit 32 (5 slow, every 200th)', seconds(await time(() => drain(mapOrdered(fiveSlow, JOBS, get))))]);
rows.push(['old head-of-line window, 32 (5 slow)', seconds(await time(() => drain(headOfLineWindow(fiveSlow, JOBS, get))))]);
printTable(
  `Slow host: ${URLS} URLs on ${SERVERS} loopback servers, fast answers after ${FAST_MS} ms, slow after ${SLOW_MS / 1000} s`,
  ['run', 'seconds'],
  rows,
);
for (const server of servers) server.close();
