// Image hashing throughput on the reference images, repeated to >= 200 files, against sharp's decode alone (the
// floor). Everything in one run, so the ratios hold whatever the machine's load.
import { copyFileSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { hashBatch } from '../dist/hashing/batch.js';
import { mapOrdered } from '../dist/core/concurrency.js';
import { printTable, sharedPath, time } from './lib.js';

const JOBS = 2;
const MIN_FILES = 200;

function listImages(dir) {
  return readdirSync(dir, { recursive: true })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile());
}

async function benchHashing() {
  const source = sharedPath('reference/pdq/images');
  if (!source) {
    console.log('hashing bench skipped: ../shared/reference/pdq/images not found (set VIGIE_SHARED)');
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'vigie-bench-hash-'));
  try {
    const originals = listImages(source);
    const files = [];
    for (let copy = 0; files.length < MIN_FILES; copy++) {
      for (const path of originals) {
        const target = join(work, `${copy}-${files.length}-${path.split('/').pop()}`);
        copyFileSync(path, target);
        files.push(target);
      }
    }
    const entries = files.map((path) => ({ path }));
    const run = (algorithms, extra = {}) =>
      time(async () => {
        for await (const record of hashBatch(entries, { algorithms, jobs: JOBS, ...extra })) {
          if ('error' in record) throw new Error(`${record.path}: ${record.error.message}`);
        }
      });
    const decode = () =>
      time(async () => {
        for await (const _ of mapOrdered(files, JOBS, (path) =>
          sharp(path, { ignoreIcc: true }).toColourspace('srgb').ensureAlpha().raw().toBuffer(),
        ));
      });
    await run(['sha256']); // warm the page cache and the workers' code
    const decodeOnly = await decode();
    const results = [
      ['sharp decode only (floor)', decodeOnly],
      ['sha256', await run(['sha256'])],
      ['md5,sha1,sha256', await run(['md5', 'sha1', 'sha256'])],
      ['pdq', await run(['pdq'])],
      ['pdq --pdq-fast', await run(['pdq'], { pdqFast: true })],
      ['pdq --dihedral', await run(['pdq'], { dihedral: true })],
      ['blockhash', await run(['blockhash'])],
      ['blockhash-quick', await run(['blockhash-quick'])],
      ['pdq + blockhash + sha256', await run(['pdq', 'blockhash', 'sha256'])],
    ];
    const rows = results.map(([name, seconds]) => [
      name,
      (files.length / seconds).toFixed(1),
      (seconds / decodeOnly).toFixed(2),
    ]);
    printTable(`Image hashing: ${files.length} files, ${JOBS} jobs`, ['work', 'images/s', 'time ÷ decode-only'], rows);
    const byName = Object.fromEntries(results);
    const combined = byName['pdq + blockhash + sha256'] / decodeOnly;
    const fastSpeedup = byName.pdq / byName['pdq --pdq-fast'];
    console.log(`\nexact PDQ + blockhash + SHA-256 vs decode only: ${combined.toFixed(2)}x (target <= 1.5x)`);
    console.log(`fast PDQ throughput vs exact PDQ: ${fastSpeedup.toFixed(2)}x (target >= 3x)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await benchHashing();
