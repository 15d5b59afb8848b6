import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ExitCode, VigieError } from './errors.js';

export interface AtomicWriteOptions {
  /** File mode of the result; hash sets and keys use 0o600. */
  mode?: number;
}

function temporaryPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** Writes the whole file or nothing: data goes to a temporary sibling, is fsynced, then renamed over the target. */
export async function writeFileAtomic(
  target: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const temporary = temporaryPathFor(target);
  const handle = await open(temporary, 'wx', options.mode ?? 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    await rename(temporary, target);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * A stream whose content appears at `target` only when `commit()` is called; `abort()` (or a crash) leaves the
 * previous file, if any, untouched.
 */
export interface AtomicWriteStream {
  readonly stream: WriteStream;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export function createAtomicWriteStream(target: string, options: AtomicWriteOptions = {}): AtomicWriteStream {
  const temporary = temporaryPathFor(target);
  const stream = createWriteStream(temporary, { flags: 'wx', mode: options.mode ?? 0o644 });
  const finished = new Promise<void>((resolve, reject) => {
    stream.once('close', resolve);
    stream.once('error', reject);
  });
  return {
    stream,
    async commit() {
      await new Promise<void>((resolve, reject) => {
        stream.end((error?: Error | null) => (error ? reject(error) : resolve()));
      });
      await finished;
      const handle = await open(temporary, 'r+');
      await handle.sync();
      await handle.close();
      await rename(temporary, target);
    },
    async abort() {
      stream.destroy();
      await finished.catch(() => undefined);
      await rm(temporary, { force: true });
    },
  };
}

/**
 * A directory whose content appears at `target` only when `commit()` is called: files are written into a hidden
 * temporary sibling (`path`), which is fsynced and renamed onto `target`. `abort()` removes it; a crash leaves only
 * the hidden sibling, never a half-written `target`. Refuses a `target` that already exists.
 */
export interface AtomicDirectory {
  /** The temporary directory to write into. */
  readonly path: string;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export async function createAtomicDirectory(target: string, options: AtomicWriteOptions = {}): Promise<AtomicDirectory> {
  if (await stat(target).then(() => true, () => false)) {
    throw new VigieError('exists', `${target} exists: give a new output path (it is never overwritten)`, ExitCode.usage);
  }
  const temporary = temporaryPathFor(target);
  await mkdir(temporary, { mode: options.mode ?? 0o755 });
  return {
    path: temporary,
    async commit() {
      await syncTree(temporary);
      // rename(2) replaces only an empty directory: a target made meanwhile with content makes this fail, not merge.
      await rename(temporary, target);
      const parent = await open(dirname(target), 'r');
      await parent.sync().catch(() => undefined);
      await parent.close();
    },
    async abort() {
      await rm(temporary, { recursive: true, force: true });
    },
  };
}

async function syncTree(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await syncTree(path);
    else {
      const handle = await open(path, 'r');
      await handle.sync();
      await handle.close();
    }
  }
  const handle = await open(dir, 'r');
  await handle.sync().catch(() => undefined);
  await handle.close();
}
