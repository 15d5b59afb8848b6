/** Worker-thread entry point for batch hashing: one `hashFile` per message (see WorkerPool). */
import { parentPort } from 'node:worker_threads';
import sharp from 'sharp';
import { hashFile, type HashOptions } from './hash-file.js';

// One libvips thread per worker: the pool already keeps every core busy.
sharp.concurrency(1);

parentPort?.on('message', async ({ id, input }: { id: number; input: { path: string; options: HashOptions } }) => {
  parentPort?.postMessage({ id, output: await hashFile(input.path, input.options) });
});
