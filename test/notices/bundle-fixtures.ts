import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Notice } from '../../src/core/notice.js';
import { prepareNotices } from '../../src/notices/prepare.js';
import { REPO_ROOT } from '../helpers/shared.js';

/** `--now` of every bundle test: the same input and this time must give the same bytes. */
export const NOW = '2026-12-01T10:00:00Z';

let cached: Promise<Notice[]> | undefined;

/** The notices of samples/case-example.yaml (every kind), assembled once per test file. */
export function exampleNotices(): Promise<Notice[]> {
  cached ??= prepareNotices({ casePath: join(REPO_ROOT, 'samples', 'case-example.yaml'), now: NOW }).then((prepared) => prepared.notices);
  return cached;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `vigie-${prefix}-`));
}

/** Every file under `dir` with its bytes, by relative path. */
export function treeOf(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (relative: string) => {
    for (const name of readdirSync(join(dir, relative)).sort()) {
      const path = relative === '' ? name : `${relative}/${name}`;
      if (statSync(join(dir, path)).isDirectory()) walk(path);
      else files.set(path, readFileSync(join(dir, path)));
    }
  };
  walk('');
  return files;
}
