import { opendir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describeError, type ErrorInfo } from './errors.js';

export interface WalkEntry {
  path: string;
  /** Set when the path cannot be walked: unreadable, missing, or a symlink loop. */
  error?: ErrorInfo;
}

/**
 * Every regular file under the given paths, depth first in name order so that runs are reproducible. Symlinks are
 * followed (an analyst's case folder often links to evidence elsewhere), but a link back to a directory already on
 * the current path is reported as a loop instead of walked forever. Problems are yielded as entries, never thrown.
 */
export async function* walkFiles(inputs: Iterable<string> | AsyncIterable<string>): AsyncGenerator<WalkEntry> {
  for await (const input of inputs) yield* walk(input, []);
}

async function* walk(path: string, ancestors: string[]): AsyncGenerator<WalkEntry> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const described = describeError(error);
    if (described.code === 'symlink-loop') {
      yield { path, error: { code: 'symlink-loop', message: 'symbolic link loop' } };
    } else {
      yield { path, error: { code: described.code === 'not-found' ? 'not-found' : 'unreadable', message: described.message } };
    }
    return;
  }
  if (info.isFile()) {
    yield { path };
    return;
  }
  if (!info.isDirectory()) {
    yield { path, error: { code: 'not-a-file', message: 'not a regular file or directory' } };
    return;
  }
  let real: string;
  let names: string[];
  try {
    real = await realpath(path);
    if (ancestors.includes(real)) {
      yield { path, error: { code: 'symlink-loop', message: `directory loop: links back to ${real}` } };
      return;
    }
    names = [];
    for await (const entry of await opendir(path)) names.push(entry.name);
  } catch (error) {
    yield { path, error: { code: 'unreadable', message: describeError(error).message } };
    return;
  }
  names.sort();
  for (const name of names) yield* walk(join(path, name), [...ancestors, real]);
}

/** Lines of a path list (`--from`), without blanks and without the trailing CR of CRLF files. */
export function parsePathList(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .filter((line) => line.trim() !== '');
}
