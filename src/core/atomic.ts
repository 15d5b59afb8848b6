import { randomBytes } from 'node:crypto';
import { accessSync, constants, createWriteStream, lstatSync, rmSync, statSync, type Stats, type WriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ExitCode, VigieError } from './errors.js';
import { processInterrupted } from './interrupt.js';

export interface AtomicWriteOptions {
  /** File mode of the result; hash sets, hash lists, cases and keys use 0o600. */
  mode?: number;
}

/** Temporary files and directories not yet renamed or removed: an exit (even a forced one) removes them. */
const temporaries = new Set<string>();
let exitHookInstalled = false;

/** Removes every temporary file still open for an atomic write (and tracked directory); synchronous, for exits. */
export function removeTemporaryFiles(): void {
  for (const path of temporaries) rmSync(path, { recursive: true, force: true });
  temporaries.clear();
}

/**
 * Has `path` (a temporary file or directory written beside an output, e.g. a store's spill directory) removed if the
 * process exits before the returned release function is called. Interrupted runs leave nothing behind.
 */
export function trackTemporary(path: string): () => void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', removeTemporaryFiles);
  }
  temporaries.add(path);
  return () => temporaries.delete(path);
}

function temporaryPathFor(target: string): string {
  const path = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  trackTemporary(path);
  return path;
}

function kindOf(info: Stats): string | undefined {
  if (info.isSymbolicLink()) return 'a symbolic link';
  if (info.isFIFO()) return 'a FIFO';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  return undefined;
}

/**
 * Refuses an output path that an atomic write cannot safely replace, before any work starts: a symbolic link, FIFO,
 * device or socket is never followed nor replaced (`-o /dev/stdout` as root used to replace the link with a file;
 * `-o -` is the way to standard output), a directory is not a file, and the directory that will hold the file must
 * exist and be writable. Throws a VigieError (exit 2 for a wrong path, 3 for a missing or unwritable directory).
 */
export function checkOutputTarget(target: string): void {
  let info;
  try {
    info = lstatSync(target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') {
      throw new VigieError('unwritable', `cannot write ${target}: ${(error as Error).message}`, ExitCode.input);
    }
  }
  if (info) {
    const kind = kindOf(info);
    if (kind) {
      throw new VigieError(
        'unsafe-output',
        `${target} is ${kind}: vigie writes only regular files (use "-o -" for standard output)`,
        ExitCode.usage,
      );
    }
    if (info.isDirectory()) throw new VigieError('is-a-directory', `${target} is a directory, not a file to write`, ExitCode.usage);
  }
  const directory = dirname(target);
  let parent;
  try {
    parent = statSync(directory);
  } catch {
    throw new VigieError('not-found', `cannot write ${target}: directory ${directory} does not exist`, ExitCode.input);
  }
  if (!parent.isDirectory()) {
    throw new VigieError('not-a-directory', `cannot write ${target}: ${directory} is not a directory`, ExitCode.input);
  }
  try {
    accessSync(directory, constants.W_OK);
  } catch (error) {
    throw new VigieError('unwritable', `cannot write ${target}: directory ${directory} is not writable (${(error as NodeJS.ErrnoException).code})`, ExitCode.input);
  }
}

/**
 * The last checks before rename: an interrupted process commits nothing new (the write is discarded and the
 * interruption thrown), and the target may have become a link or a FIFO while the work ran.
 */
async function replaceTarget(temporary: string, target: string): Promise<void> {
  processInterrupted.throwIfAborted();
  checkOutputTarget(target);
  await rename(temporary, target);
  temporaries.delete(temporary);
}

/** Writes the whole file or nothing: data goes to a temporary sibling, is fsynced, then renamed over the target. */
export async function writeFileAtomic(
  target: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  checkOutputTarget(target);
  const temporary = temporaryPathFor(target);
  let handle;
  try {
    handle = await open(temporary, 'wx', options.mode ?? 0o644);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await replaceTarget(temporary, target);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await rm(temporary, { force: true });
    temporaries.delete(temporary);
    throw error;
  }
}

/**
 * A stream whose content appears at `target` only when `commit()` is called; `abort()` (or a crash, or an
 * interruption) leaves the previous file, if any, untouched, and no temporary file behind.
 */
export interface AtomicWriteStream {
  readonly stream: WriteStream;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** Checks the target first (see checkOutputTarget), so a bad `-o` fails before the work, not after. */
export function createAtomicWriteStream(target: string, options: AtomicWriteOptions = {}): AtomicWriteStream {
  checkOutputTarget(target);
  const temporary = temporaryPathFor(target);
  const stream = createWriteStream(temporary, { flags: 'wx', mode: options.mode ?? 0o644 });
  const finished = new Promise<void>((resolve, reject) => {
    stream.once('close', resolve);
    // 'on', not 'once': a write queued before an abort errors again after destroy().
    stream.on('error', reject);
  });
  const discard = async () => {
    stream.destroy();
    await finished.catch(() => undefined);
    await rm(temporary, { force: true });
    temporaries.delete(temporary);
  };
  return {
    stream,
    async commit() {
      try {
        await new Promise<void>((resolve, reject) => {
          stream.end((error?: Error | null) => (error ? reject(error) : resolve()));
        });
        await finished;
        const handle = await open(temporary, 'r+');
        await handle.sync();
        await handle.close();
        await replaceTarget(temporary, target);
      } catch (error) {
        await discard();
        throw error;
      }
    },
    abort: discard,
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
