// vigie match hashes with the long-lived Hasher (a pool of worker threads): an interruption must end the run at once,
// close the pool, write nothing and leave no temporary file.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/shared.js';

let dir: string;
let media: string;
const FILES = 200;
const temporaries = () => readdirSync(dir).filter((name) => name.endsWith('.tmp'));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-match-interrupt-'));
  media = join(dir, 'media');
  mkdirSync(media);
  for (let i = 0; i < FILES; i++) copyFileSync(join(REPO_ROOT, 'samples', 'gradient.png'), join(media, `${String(i).padStart(3, '0')}.png`));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('vigie match interrupted while its worker threads hash', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s: exit %i well before the forced end, no output, no temporary file', async (signal, expected) => {
    const output = join(dir, `out-${signal}.jsonl`);
    const child = spawn(
      process.execPath,
      [join(REPO_ROOT, 'bin', 'vigie.js'), 'match', '-j', '2', '--no-index-cache', media, '--against', join(REPO_ROOT, 'hashsets', 'samples.vhs'), '-o', output],
      { cwd: dir, env: { ...process.env, XDG_CACHE_HOME: join(dir, 'cache') } },
    );
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const deadline = Date.now() + 20_000;
    while (temporaries().length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(temporaries()).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const sentAt = performance.now();
    child.kill(signal);
    const code = await closed;
    const seconds = (performance.now() - sentAt) / 1000;
    expect(code).toBe(expected);
    expect(stderr).toContain(`interrupted by ${signal}`);
    // The forced end comes 3 s after the signal: ending before it means the batch stopped and the pool closed.
    expect(seconds).toBeLessThan(2.5);
    expect(existsSync(output)).toBe(false);
    expect(temporaries()).toEqual([]);
  });
});
