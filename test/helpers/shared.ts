import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The team's reference material (never copied into the repo): VIGIE_SHARED, by default ../shared beside the repo. */
export const SHARED_DIR = resolve(process.env.VIGIE_SHARED ?? join(REPO_ROOT, '..', 'shared'));

/**
 * The path of a file or folder under shared/, or undefined (with one clear message on stderr) when it is absent, so
 * that a suite can `describe.skipIf(!path)`.
 */
export function sharedPath(relative: string): string | undefined {
  const path = join(SHARED_DIR, relative);
  if (existsSync(path)) return path;
  process.stderr.write(
    `skipping tests that need ${path}: reference data not found (set VIGIE_SHARED to the shared/ folder)\n`,
  );
  return undefined;
}
