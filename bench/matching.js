// Matching speed: MIH index vs brute force on generated PDQ sets (random hashes plus planted near-duplicates).
// Usage: node --expose-gc bench/matching.js [--sizes 1000000,10000000] [--queries 100000] [--layouts 11x23,16x16]
//        [--workers 2]
// Prints one table: build time, index size, memory, queries/s (single, and 8 dihedral variants per input), brute-force
// queries/s on a subsample (extrapolated), the speed-up, and recall against brute force (must be 100 %); then the
// same queries from worker threads.
import { parseArgs } from 'node:util';
import { LinearIndex } from '../dist/matching/linear-index.js';
import { MihIndex } from '../dist/matching/mih-index.js';
import { chooseLayout } from '../dist/matching/mih-layout.js';
import { QueryPool } from '../dist/matching/query-pool.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000000,10000000' },
    queries: { type: 'string', default: '100000' },
    layouts: { type: 'string', default: '' },
    threshold: { type: 'string', default: '31' },
    workers: { type: 'string', default: '2' },
  },
});
const workers = Number(values.workers);
const sizes = values.sizes.split(',').map(Number);
const queryCount = Number(values.queries);
const threshold = Number(values.threshold);
const WIDTH = 32;

let seed = 0x9e3779b9;
function random32() {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return seed >>> 0;
}
function fillRandom(bytes) {
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  for (let i = 0; i < words.length; i++) words[i] = random32();
}
function flipBits(bytes, offset, count) {
  const flipped = new Set();
  while (flipped.size < count) flipped.add(random32() % (WIDTH * 8));
  for (const bit of flipped) bytes[offset + (bit >>> 3)] ^= 1 << (bit & 7);
}

/** n hashes: random, except that 2 % are near-duplicates (0..40 bits) of earlier ones, in clusters. */
function generateSet(count) {
  const hashes = new Uint8Array(count * WIDTH);
  fillRandom(hashes);
  for (let i = 1; i < count; i++) {
    if (random32() % 50 !== 0) continue;
    const source = random32() % i;
    hashes.copyWithin(i * WIDTH, source * WIDTH, (source + 1) * WIDTH);
    flipBits(hashes, i * WIDTH, random32() % 41);
  }
  return { signal: 'pdq', count, width: WIDTH, hashes };
}

/** Queries: half planted (a set hash with 0..threshold bits flipped, so at least one true match), half random. */
function generateQueries(set, count) {
  const queries = new Uint8Array(count * WIDTH);
  fillRandom(queries);
  const planted = new Int32Array(count).fill(-1);
  for (let q = 0; q < count; q += 2) {
    const source = random32() % set.count;
    queries.set(set.hashes.subarray(source * WIDTH, (source + 1) * WIDTH), q * WIDTH);
    flipBits(queries, q * WIDTH, random32() % (threshold + 1));
    planted[q] = source;
  }
  return { queries, planted };
}

const query = (queries, q) => queries.subarray(q * WIDTH, (q + 1) * WIDTH);
const mb = (bytes) => `${Math.round(bytes / 2 ** 20)}`;
const format = (n) => Math.round(n).toLocaleString('en-US');
const sameHits = (a, b) => a.length === b.length && a.every((hit, i) => hit.index === b[i].index && hit.distance === b[i].distance);

/**
 * Queries per second of wall time, and per second of this thread's CPU time: the machine is shared, and the second
 * figure is what one uncontended core would do.
 */
function timeQueries(index, queries, count) {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  let hits = 0;
  for (let q = 0; q < count; q++) hits += index.query(query(queries, q), threshold).length;
  const cpu = process.cpuUsage(cpuStarted);
  return {
    perSecond: count / ((performance.now() - started) / 1000),
    perCpuSecond: count / ((cpu.user + cpu.system) / 1e6),
    hits,
  };
}

const rows = [];
for (const size of sizes) {
  globalThis.gc?.();
  const set = generateSet(size);
  const { queries, planted } = generateQueries(set, queryCount);
  const layouts = values.layouts
    ? values.layouts.split(',').map((text) => ({ chunks: Number(text.split('x')[0]), bits: Number(text.split('x')[1]) }))
    : [chooseLayout(WIDTH * 8, size, threshold)];
  const linear = new LinearIndex(set);
  const bruteCount = Math.max(20, Math.round(2e8 / size));
  const brute = timeQueries(linear, queries, bruteCount);
  const truth = Array.from({ length: bruteCount }, (_, q) => linear.query(query(queries, q), threshold));
  for (const layout of layouts) {
    globalThis.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const buildStarted = performance.now();
    const index = MihIndex.build(set, layout);
    const buildSeconds = (performance.now() - buildStarted) / 1000;
    const rss = process.memoryUsage().rss;
    const single = timeQueries(index, queries, queryCount);
    // --dihedral: 8 hashes per input, of which (for planted inputs) one is near a set hash.
    const dihedralInputs = Math.floor(queryCount / 32);
    const dihedral = timeQueries(index, queries, dihedralInputs * 8);
    // Worker threads (vigie match uses them for sets of 1M hashes or more), batches of 256 inputs as the CLI sends.
    const pool = new QueryPool(new Map([['pdq', index]]), workers);
    await pool.query([{ key: 'pdq', hash: query(queries, 0), threshold }]);
    const pooledStarted = performance.now();
    for (let start = 0; start < queryCount; start += 256) {
      const batch = [];
      for (let q = start; q < Math.min(queryCount, start + 256); q++) batch.push({ key: 'pdq', hash: query(queries, q), threshold });
      await pool.query(batch);
    }
    const pooledPerSecond = queryCount / ((performance.now() - pooledStarted) / 1000);
    await pool.close();
    let found = 0;
    let plantedTotal = 0;
    for (let q = 0; q < queryCount; q++) {
      if (planted[q] < 0) continue;
      plantedTotal++;
      if (index.query(query(queries, q), threshold).some((hit) => hit.index === planted[q])) found++;
    }
    const agree = truth.filter((hits, q) => sameHits(hits, index.query(query(queries, q), threshold))).length;
    rows.push([
      format(size),
      `${layout.chunks}x${layout.bits}`,
      buildSeconds.toFixed(1),
      mb(index.serialize().byteLength),
      mb(rss - rssBefore),
      `${format(single.perSecond)} (${format(single.perCpuSecond)})`,
      `${format(dihedral.perSecond / 8)} (${format(dihedral.perCpuSecond / 8)})`,
      `${format(pooledPerSecond)} / ${format(pooledPerSecond / 8)}`,
      `${format(brute.perSecond)} (${format(brute.perCpuSecond)})`,
      `${format(single.perCpuSecond / brute.perCpuSecond)}x`,
      `${((100 * found) / plantedTotal).toFixed(1)} % (${found}/${plantedTotal})`,
      `${agree}/${bruteCount}`,
    ]);
  }
}

const headers = ['hashes', 'layout', 'build s', 'index MB', 'rss +MB', 'MIH q/s', 'dihedral inputs/s', `${workers} workers q/s / dihedral`, 'brute q/s', 'speed-up', 'planted recall', '= brute force'];
const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => row[i].length)));
const line = (row) => row.map((cell, i) => cell.padStart(widths[i])).join('  ');
console.log(`matching: ${format(queryCount)} PDQ queries at threshold ${threshold} (half planted near-duplicates), Node ${process.version}`);
console.log('q/s: per second of wall time (per second of CPU time, i.e. one uncontended core); speed-up on CPU time');
console.log(line(headers));
for (const row of rows) console.log(line(row));
