// Hash set import and load speed: `node --expose-gc bench/hashsets.js [--sizes 1000000,10000000]` after `npm run build`
// (`--sizes 0`: only the 10M store: load with and without the digest check, first index built and written).
// Generated lists go to a temporary directory (about 75 bytes a line: 10M lines ≈ 750 MB) and are deleted afterwards.
// Each measurement runs in a child process so that its peak memory (maxRSS) is its own.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const library = new URL('../dist/hashsets/index.js', import.meta.url).href;
const matching = new URL('../dist/matching/index.js', import.meta.url).href;
const self = fileURLToPath(import.meta.url);

/** Child-process jobs: print one JSON line with seconds and peak RSS. */
async function child(job, path, extra) {
  const { importHashSet, loadHashSet, readList } = await import(library);
  const started = performance.now();
  let detail = {};
  if (job === 'import') {
    const result = await importHashSet([path], extra);
    detail = { counts: result.store.counts };
  } else if (job === 'read-lines') {
    // Baseline: the same file through the line reader, no parsing or storing.
    const { readLines } = await import(new URL('../dist/core/lines.js', import.meta.url).href);
    let lines = 0;
    for await (const _ of readLines(path)) lines++;
    detail = { lines };
  } else if (job === 'parse') {
    const { entries } = await readList(path, {});
    let count = 0;
    for await (const _ of entries) count++;
    detail = { count };
  } else if (job === 'load') {
    const set = await loadHashSet(path);
    detail = { count: set.arrays.pdq?.count };
  } else if (job === 'load-unverified') {
    // The load without the digest check that every command now runs.
    const set = await loadHashSet(path, { verify: false });
    detail = { count: set.arrays.pdq?.count };
  } else if (job === 'index-written' || job === 'index-in-memory') {
    // A first match: the set's indexes built, and (written) saved to the cache, as `extra` names it.
    const { openIndexes } = await import(matching);
    process.env.XDG_CACHE_HOME = extra;
    const set = await loadHashSet(path);
    const indexes = await openIndexes(set, { noCache: job === 'index-in-memory' });
    detail = { signals: indexes.size };
  } else if (job === 'read-file') {
    // Baseline: one readFile of the store, which is the least a load can cost.
    detail = { bytes: (await readFile(path)).length };
  }
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`${JSON.stringify({ seconds, maxRssMb: process.resourceUsage().maxRSS / 1024, ...detail })}\n`);
}

function measure(job, path, extra = '') {
  const run = spawnSync(process.execPath, [self, '--child', job, path, extra], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (run.status !== 0) throw new Error(`${job} failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

/** `hash,signal` CSV alternating PDQ and MD5, written in 4 MiB blocks. */
function generateList(path, lines) {
  const fd = openSync(path, 'w');
  const random = randomBytes(1 << 20);
  let text = 'hash,signal\n';
  for (let i = 0; i < lines; i++) {
    const offset = (i * 37) % (random.length - 40);
    const bytes = random.subarray(offset, offset + (i % 2 === 0 ? 32 : 16));
    bytes.writeUInt32LE(i, 0); // distinct hashes
    text += `${bytes.toString('hex')},${i % 2 === 0 ? 'pdq' : 'md5'}\n`;
    if (text.length > 1 << 22) {
      writeSync(fd, text);
      text = '';
    }
  }
  writeSync(fd, text);
  closeSync(fd);
}

async function main() {
  const sizesArg = process.argv.indexOf('--sizes');
  const sizes = sizesArg > 0 ? process.argv[sizesArg + 1].split(',').map(Number).filter(Boolean) : [1_000_000, 10_000_000];
  const dir = mkdtempSync(join(tmpdir(), 'vigie-bench-hashsets-'));
  const rows = [];
  try {
    for (const lines of sizes) {
      const list = join(dir, `list-${lines}.csv`);
      generateList(list, lines);
      const baseline = measure('read-lines', list);
      const imported = measure('import', list, join(dir, `set-${lines}.vhs`));
      const mb = statSync(list).size / 1e6;
      rows.push([
        `import ${lines.toLocaleString('en')} PDQ+MD5 (CSV, ${mb.toFixed(0)} MB)`,
        `${(lines / imported.seconds / 1e3).toFixed(0)}k lines/s`,
        `${imported.seconds.toFixed(1)} s`,
        `${imported.maxRssMb.toFixed(0)} MB`,
        `line reader alone ${(lines / baseline.seconds / 1e3).toFixed(0)}k lines/s (${(imported.seconds / baseline.seconds).toFixed(1)}x)`,
      ]);
      rmSync(list);
      rmSync(join(dir, `set-${lines}.vhs`));
    }
    // A store of 10M PDQ hashes, written directly (the import path is measured above).
    const { StoreWriter } = await import(library);
    const storePath = join(dir, 'pdq-10m.vhs');
    const writer = new StoreWriter(storePath, { name: 'bench' });
    const hash = randomBytes(32);
    const provenance = { file: 'bench.txt', line: 0, format: 'plain' };
    for (let i = 0; i < 10_000_000; i++) {
      hash.writeUInt32LE(i, 0);
      provenance.line = i + 1;
      writer.add({ hash: hash.toString('hex'), signal: 'pdq', quality: 100, provenance });
    }
    await writer.close();
    const readBaseline = measure('read-file', storePath);
    const unverified = measure('load-unverified', storePath);
    const loaded = measure('load', storePath);
    rows.push([
      `load native store, 10,000,000 PDQ (${(statSync(storePath).size / 1e6).toFixed(0)} MB), digest checked`,
      `${(10_000_000 / loaded.seconds / 1e6).toFixed(1)}M hashes/s`,
      `${loaded.seconds.toFixed(2)} s`,
      `${loaded.maxRssMb.toFixed(0)} MB`,
      `load alone (--no-verify) ${unverified.seconds.toFixed(2)} s (${(loaded.seconds / unverified.seconds).toFixed(2)}x); readFile ${readBaseline.seconds.toFixed(2)} s`,
    ]);
    const inMemory = measure('index-in-memory', storePath, join(dir, 'cache'));
    const written = measure('index-written', storePath, join(dir, 'cache'));
    rows.push([
      'first match, 10,000,000 PDQ: index built and written to the cache',
      '',
      `${written.seconds.toFixed(1)} s`,
      `${written.maxRssMb.toFixed(0)} MB`,
      `built in memory only ${inMemory.seconds.toFixed(1)} s, ${inMemory.maxRssMb.toFixed(0)} MB (${(written.maxRssMb / inMemory.maxRssMb).toFixed(2)}x)`,
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const headers = ['hash sets', 'rate', 'time', 'peak RSS', 'baseline (same run)'];
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const row of [headers, widths.map((w) => '─'.repeat(w)), ...rows]) {
    console.log(row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd());
  }
}

if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4], process.argv[5]);
else await main();
