// Worker for bench/hashing.js's floor: sharp's decode alone, set up exactly as the hashing workers are (one libvips
// thread per worker, the same decode call), so that the ratios compare like with like.
import { parentPort } from 'node:worker_threads';
import sharp from 'sharp';
import { decodeRgba } from '../../dist/hashing/decode.js';

sharp.concurrency(1);

parentPort.on('message', async ({ id, input }) => {
  await decodeRgba(input);
  parentPort.postMessage({ id, output: null });
});
