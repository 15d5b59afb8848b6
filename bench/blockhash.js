// Blockhash in process, one thread: ours (src/hashing/blockhash.ts) against blockhash-core 0.1.0, the implementation
// it replaces, on the same decoded reference images (the 1600x1004 and 1004x1600 ones), with sharp's decode of those
// images as the yardstick. Median of several passes each, the implementations taking turns, so that the ratios
// hold whatever the machine's load.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { bmvbhash, bmvbhashEven } from 'blockhash-core';
import sharp from 'sharp';
import { blockhashPrecise, blockhashQuick } from '../dist/hashing/blockhash.js';
import { printTable, sharedPath } from './lib.js';

const PASSES = 7;
const REFERENCE_PIXELS = 1600 * 1004;

const decode = (path) =>
  sharp(path, { ignoreIcc: true }).toColourspace('srgb').ensureAlpha().raw().toBuffer({ resolveWithObject: true });

/** Milliseconds per image: the median over PASSES passes of `work` over every path or image. */
async function perImage(items, work) {
  const passes = [];
  for (let pass = 0; pass < PASSES; pass++) {
    const start = performance.now();
    for (const item of items) await work(item);
    passes.push((performance.now() - start) / items.length);
  }
  return passes.sort((a, b) => a - b)[Math.floor(PASSES / 2)];
}

async function benchBlockhash() {
  const source = sharedPath('reference/pdq/images');
  if (!source) {
    console.log('blockhash bench skipped: ../shared/reference/pdq/images not found (set VIGIE_SHARED)');
    return;
  }
  const paths = readdirSync(source, { recursive: true })
    .map((name) => join(source, name))
    .filter((path) => statSync(path).isFile());
  const images = [];
  const decoded = [];
  for (const path of paths) {
    const { data, info } = await decode(path);
    if (info.width * info.height !== REFERENCE_PIXELS) continue;
    images.push({ width: info.width, height: info.height, data });
    decoded.push(path);
  }
  const methods = [
    ['precise', blockhashPrecise, (image) => bmvbhash(image, 16)],
    ['quick', blockhashQuick, (image) => bmvbhashEven(image, 16)],
  ];
  for (const [name, ours, core] of methods) {
    for (const image of images) {
      if (ours(image) !== core(image)) throw new Error(`${name}: our hash differs from blockhash-core's`);
    }
  }
  const decodeMs = await perImage(decoded, decode);
  const rows = [['sharp decode (yardstick)', decodeMs]];
  const speedUps = [];
  for (const [name, ours, core] of methods) {
    const coreMs = await perImage(images, core);
    const oursMs = await perImage(images, ours);
    rows.push([`blockhash-core ${name}`, coreMs], [`ours ${name}`, oursMs]);
    speedUps.push(`${name} ${(coreMs / oursMs).toFixed(1)}x`);
  }
  printTable(
    `Blockhash per 1600x1004 image: ${images.length} reference images, one thread, median of ${PASSES} passes`,
    ['work', 'ms per image', 'time ÷ decode'],
    rows.map(([work, ms]) => [work, ms.toFixed(2), (ms / decodeMs).toFixed(2)]),
  );
  console.log(`\nours vs blockhash-core (same hashes, checked): ${speedUps.join(', ')}`);
}

await benchBlockhash();
