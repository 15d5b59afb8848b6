/**
 * Reads a bundle as it is on disk, a folder or a zip, the same way for `verify` and `send`: the list of what it
 * holds and each file's bytes. Nothing is extracted; a zip entry whose name could climb out of a folder, a symbolic
 * link or a second entry with one name is reported, not followed.
 */
import { lstat, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ExitCode, VigieError } from '../core/errors.js';

export interface BundleSource {
  readonly path: string;
  readonly isZip: boolean;
  /** Relative paths (`/` separators) of the regular files, sorted. */
  readonly names: string[];
  /** What is there but cannot be a bundle file (a link, a device, an unsafe or repeated zip entry name), with why. */
  readonly oddities: { name: string; why: string }[];
  /** A file's bytes; undefined when there is no such file. */
  read(name: string): Promise<Buffer | undefined>;
  close(): void;
}

/** Entries larger than this are not read into memory: no notice file comes near it. */
const MAX_ENTRY_BYTES = 64 * 1024 * 1024;

export async function openBundle(path: string): Promise<BundleSource> {
  const info = await lstat(path).catch(() => undefined);
  if (!info) throw new VigieError('not-found', `${path}: no such bundle`);
  if (info.isDirectory()) return openFolder(path);
  if (info.isFile()) return openZip(path);
  throw new VigieError('not-a-bundle', `${path} is neither a bundle folder nor a zip`);
}

async function openFolder(root: string): Promise<BundleSource> {
  const names: string[] = [];
  const oddities: { name: string; why: string }[] = [];
  const walk = async (relative: string) => {
    for (const entry of await readdir(join(root, relative), { withFileTypes: true })) {
      const name = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) await walk(name);
      else if (entry.isFile()) names.push(name);
      else oddities.push({ name, why: entry.isSymbolicLink() ? 'a symbolic link' : 'not a regular file' });
    }
  };
  await walk('');
  names.sort();
  const known = new Set(names);
  return {
    path: root,
    isZip: false,
    names,
    oddities,
    async read(name) {
      return known.has(name) ? readFile(join(root, name)) : undefined;
    },
    close() {},
  };
}

async function openZip(path: string): Promise<BundleSource> {
  const yauzl = await import('yauzl');
  const zip = await new Promise<import('yauzl').ZipFile>((resolve, reject) => {
    // strictFileNames refuses backslashes; yauzl itself refuses absolute and `..` names (reported below).
    yauzl.open(path, { lazyEntries: true, autoClose: false, strictFileNames: true, decodeStrings: true }, (error, file) =>
      error ? reject(new VigieError('bad-zip', `${path} is not a readable zip: ${error.message}`)) : resolve(file),
    );
  });
  const entries = new Map<string, import('yauzl').Entry>();
  const oddities: { name: string; why: string }[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: import('yauzl').Entry) => {
        const name = entry.fileName;
        if (name.endsWith('/')) {
          // A folder entry: nothing to check.
        } else if (entries.has(name)) oddities.push({ name, why: 'a second zip entry with this name' });
        else if (((entry.externalFileAttributes >>> 16) & 0o170000) === 0o120000) oddities.push({ name, why: 'a symbolic link' });
        else entries.set(name, entry);
        zip.readEntry();
      });
      zip.once('end', resolve);
      zip.once('error', (error: Error) => reject(new VigieError('bad-zip', `${path}: ${error.message}`)));
      zip.readEntry();
    });
  } catch (error) {
    zip.close();
    throw error;
  }
  const names = [...entries.keys()].sort();
  return {
    path,
    isZip: true,
    names,
    oddities,
    async read(name) {
      const entry = entries.get(name);
      if (!entry) return undefined;
      if (entry.uncompressedSize > MAX_ENTRY_BYTES) throw new VigieError('bad-zip', `${path}: ${name} is larger than any notice file`, ExitCode.input);
      const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
        zip.openReadStream(entry, (error, readStream) => (error ? reject(new VigieError('bad-zip', `${path}: ${name}: ${error.message}`)) : resolve(readStream))),
      );
      const chunks: Buffer[] = [];
      try {
        for await (const chunk of stream) chunks.push(chunk as Buffer);
      } catch (error) {
        // yauzl checks the size it inflates against the entry's: a mismatch is a damaged or altered zip.
        throw new VigieError('bad-zip', `${path}: ${name}: ${(error as Error).message}`);
      }
      return Buffer.concat(chunks);
    },
    close() {
      zip.close();
    },
  };
}
