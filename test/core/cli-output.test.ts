// The shared `-o` writer and the run's interruption, through the built CLI as a user (root, as CI runs) meets them.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runVigie } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/shared.js';

let dir: string;
const sample = join(REPO_ROOT, 'samples', 'notes.txt');
const temporaries = (where: string) => readdirSync(where).filter((name) => name.endsWith('.tmp'));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-output-'));
});

describe('-o, the one output writer', () => {
  it('refuses a symbolic link before any work, leaving the link and its target as they were', async () => {
    writeFileSync(join(dir, 'precious'), 'evidence');
    symlinkSync(join(dir, 'precious'), join(dir, 'link.jsonl'));
    const result = await runVigie(['hash', '-a', 'md5', '-o', join(dir, 'link.jsonl'), sample]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`vigie: ${join(dir, 'link.jsonl')} is a symbolic link: vigie writes only regular files (use "-o -" for standard output)\n`);
    expect(readlinkSync(join(dir, 'link.jsonl'))).toBe(join(dir, 'precious'));
    expect(readFileSync(join(dir, 'precious'), 'utf8')).toBe('evidence');
  });

  it('-o /dev/stdout as root does not replace the link', async () => {
    const result = await runVigie(['hash', '-a', 'md5', '-o', '/dev/stdout', sample]);
    expect(result.code).toBe(2);
    expect(lstatSync('/dev/stdout').isSymbolicLink()).toBe(true);
  });

  it('refuses a FIFO without blocking on it, and a device', async () => {
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    const fifo = await runVigie(['hash', '-a', 'md5', '-o', join(dir, 'fifo'), sample]);
    expect(fifo.code).toBe(2);
    expect(fifo.stderr).toContain('is a FIFO');
    expect(lstatSync(join(dir, 'fifo')).isFIFO()).toBe(true);
    const device = await runVigie(['resolve', '--no-http', '-o', '/dev/null', 'http://example.invalid/']);
    expect(device.code).toBe(2);
    expect(device.stderr).toContain('/dev/null is a device');
  });

  it('refuses a missing directory (exit 3) and a directory (exit 2) in one line, before the work starts', async () => {
    const missing = await runVigie(['hash', '-a', 'md5', '-o', join(dir, 'nope', 'out.jsonl'), sample]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toBe(`vigie: cannot write ${join(dir, 'nope', 'out.jsonl')}: directory ${join(dir, 'nope')} does not exist\n`);
    const directory = await runVigie(['hash', '-a', 'md5', '-o', dir, sample]);
    expect(directory.code).toBe(2);
    expect(directory.stderr).toBe(`vigie: ${dir} is a directory, not a file to write\n`);
    // Store-writing commands share the check.
    const store = await runVigie(['hashset', 'import', '-o', join(dir, 'nope', 'set.vhs'), join(REPO_ROOT, 'samples', 'notes.txt')]);
    expect(store.code).toBe(3);
    expect(store.stderr).toContain('does not exist');
    expect(temporaries(dir)).toEqual([]);
  });

  it('"-o -" is standard output, not a file named "-"', async () => {
    const result = await runVigie(['hash', '-a', 'md5', '-o', '-', sample], { cwd: dir });
    expect(result.code).toBe(0);
    expect(jsonLines(result.stdout)[0]).toMatchObject({ path: sample, hashes: { md5: expect.any(String) } });
    expect(existsSync(join(dir, '-'))).toBe(false);
  });

  it('creates -o files with mode 0600 (they hold hash lists and cases)', async () => {
    const result = await runVigie(['hash', '-a', 'md5', '-o', join(dir, 'hashes.jsonl'), sample]);
    expect(result.code).toBe(0);
    expect(statSync(join(dir, 'hashes.jsonl')).mode & 0o777).toBe(0o600);
  });
});

describe('--quiet and -j', () => {
  it('--quiet drops the summary line but still reports each failure', async () => {
    const missing = join(dir, 'missing.png');
    const loud = await runVigie(['hash', '-a', 'md5', missing]);
    expect(loud.stderr).toContain('1 of 1 files could not be hashed');
    const quiet = await runVigie(['--quiet', 'hash', '-a', 'md5', missing]);
    expect(quiet.code).toBe(3);
    expect(quiet.stderr).toContain(missing);
    expect(quiet.stderr).not.toContain('could not be hashed');
  });

  it('-j 2000 on one file is clamped with a warning instead of starting 2000 threads', async () => {
    const started = performance.now();
    const result = await runVigie(['hash', '-j', '2000', sample]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^vigie: warning: -j 2000 is more than this machine can use; using \d+ worker threads\n$/);
    expect(performance.now() - started).toBeLessThan(15_000);
  });
});

describe('SIGINT and SIGTERM mid-run', () => {
  let media: string;
  const FILES = 150;
  beforeAll(() => {
    media = join(dir, 'media');
    mkdirSync(media);
    for (let i = 0; i < FILES; i++) copyFileSync(join(REPO_ROOT, 'samples', 'gradient.png'), join(media, `${String(i).padStart(3, '0')}.png`));
  });

  async function interrupt(signal: 'SIGINT' | 'SIGTERM', output: string) {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'vigie.js'), 'hash', '-j', '1', '-o', output, media], { cwd: dir });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // Wait until the batch is writing (its temporary file exists), then interrupt it.
    const deadline = Date.now() + 20_000;
    while (temporaries(dir).length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(temporaries(dir)).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const sentAt = performance.now();
    child.kill(signal);
    const code = await closed;
    return { code, stderr, seconds: (performance.now() - sentAt) / 1000 };
  }

  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('%s: exit %i, no partial output, no temporary file left', async (signal, expected) => {
    const output = join(dir, `out-${signal}.jsonl`);
    const { code, stderr, seconds } = await interrupt(signal, output);
    expect(code).toBe(expected);
    expect(stderr).toContain(`interrupted by ${signal}`);
    expect(seconds).toBeLessThan(5);
    expect(temporaries(dir)).toEqual([]);
    // No output file, or a complete one: never a partial one.
    if (existsSync(output)) expect(jsonLines(readFileSync(output, 'utf8'))).toHaveLength(FILES);
    else expect(existsSync(output)).toBe(false);
  });

  it('a previous output file survives an interrupted run untouched', async () => {
    const output = join(dir, 'kept.jsonl');
    writeFileSync(output, 'previous run\n');
    const { code } = await interrupt('SIGTERM', output);
    expect(code).toBe(143);
    expect(readFileSync(output, 'utf8')).toBe('previous run\n');
  });
});

afterAll(() => {
  expect(temporaries(dir)).toEqual([]);
});
