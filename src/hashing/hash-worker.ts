/** Worker-thread entry point for hashing: one `hashFile` or `hashBytes` per message (see WorkerPool, Hasher). */
import { parentPort } from 'node:worker_threads';
import { hashBytes, hashFile } from './hash-file.js';
import type { HashTask } from './hasher.js';

/** How often a running task looks at its abort flag. */
const ABORT_POLL_MS = 50;

parentPort?.on('message', async ({ id, input }: { id: number; input: HashTask }) => {
  const controller = new AbortController();
  const { abort } = input;
  const poll = abort ? setInterval(() => Atomics.load(abort, 0) === 1 && controller.abort(), ABORT_POLL_MS) : undefined;
  try {
    const output = input.bytes
      ? await hashBytes(input.bytes, input.path, input.options, controller.signal)
      : await hashFile(input.path, input.options, controller.signal);
    parentPort?.postMessage({ id, output });
  } finally {
    clearInterval(poll);
  }
});
