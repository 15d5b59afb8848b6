import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { checkOutputTarget, createAtomicWriteStream, removeTemporaryFiles, writeFileAtomic } from '../../src/core/atomic.js';
import { ExitCode } from '../../src/core/errors.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-atomic-'));
});
const leftovers = () => readdirSync(dir).filter((name) => name.endsWith('.tmp'));

describe('writeFileAtomic', () => {
  it('writes the whole file with the mode asked, and leaves no temporary file', async () => {
    const target = join(dir, 'set.vhs');
    await writeFileAtomic(target, 'data', { mode: 0o600 });
    expect(readFileSync(target, 'utf8')).toBe('data');
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(leftovers()).toEqual([]);
  });

  it('replaces a previous file in one step', async () => {
    const target = join(dir, 'a.txt');
    writeFileSync(target, 'old');
    await writeFileAtomic(target, 'new');
    expect(readFileSync(target, 'utf8')).toBe('new');
  });
});

describe('createAtomicWriteStream', () => {
  it('shows nothing at the target until commit', async () => {
    const target = join(dir, 'out.jsonl');
    const file = createAtomicWriteStream(target, { mode: 0o600 });
    file.stream.write('line\n');
    expect(existsSync(target)).toBe(false);
    await file.commit();
    expect(readFileSync(target, 'utf8')).toBe('line\n');
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(leftovers()).toEqual([]);
  });

  it('abort keeps the previous file and removes the temporary one', async () => {
    const target = join(dir, 'out.jsonl');
    writeFileSync(target, 'previous');
    const file = createAtomicWriteStream(target);
    file.stream.write('partial');
    await new Promise<void>((resolve) => file.stream.once('ready', () => resolve()));
    expect(leftovers()).toHaveLength(1);
    await file.abort();
    expect(readFileSync(target, 'utf8')).toBe('previous');
    expect(leftovers()).toEqual([]);
  });

  it('removeTemporaryFiles (the exit hook) removes files still being written', async () => {
    const file = createAtomicWriteStream(join(dir, 'out.jsonl'));
    file.stream.write('partial');
    await new Promise<void>((resolve) => file.stream.once('ready', () => resolve()));
    expect(leftovers()).toHaveLength(1);
    removeTemporaryFiles();
    expect(leftovers()).toEqual([]);
    await file.abort();
  });

  it('refuses at commit a target that became a symbolic link meanwhile, and cleans up', async () => {
    const target = join(dir, 'out.jsonl');
    const file = createAtomicWriteStream(target);
    file.stream.write('x');
    symlinkSync('/etc/passwd', target);
    await expect(file.commit()).rejects.toMatchObject({ code: 'unsafe-output' });
    expect(readlinkSync(target)).toBe('/etc/passwd');
    expect(leftovers()).toEqual([]);
  });
});

describe('checkOutputTarget', () => {
  it('accepts a new file or a regular file in a writable directory', () => {
    expect(() => checkOutputTarget(join(dir, 'new.jsonl'))).not.toThrow();
    writeFileSync(join(dir, 'old.jsonl'), '');
    expect(() => checkOutputTarget(join(dir, 'old.jsonl'))).not.toThrow();
  });

  it('refuses a symbolic link, even to a regular file, without touching it', () => {
    writeFileSync(join(dir, 'real'), 'keep');
    symlinkSync(join(dir, 'real'), join(dir, 'link'));
    expect(() => checkOutputTarget(join(dir, 'link'))).toThrow(expect.objectContaining({ code: 'unsafe-output', exitCode: ExitCode.usage }));
    expect(lstatSync(join(dir, 'link')).isSymbolicLink()).toBe(true);
  });

  it('refuses /dev/stdout (a link), a device and a FIFO', () => {
    expect(() => checkOutputTarget('/dev/stdout')).toThrow(/symbolic link.*-o -/);
    expect(() => checkOutputTarget('/dev/null')).toThrow(/is a device/);
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    expect(() => checkOutputTarget(join(dir, 'fifo'))).toThrow(/is a FIFO/);
  });

  it('refuses a directory (exit 2) and a missing or non-directory parent (exit 3)', () => {
    expect(() => checkOutputTarget(dir)).toThrow(expect.objectContaining({ code: 'is-a-directory', exitCode: ExitCode.usage }));
    expect(() => checkOutputTarget(join(dir, 'missing', 'out.jsonl'))).toThrow(
      expect.objectContaining({ code: 'not-found', exitCode: ExitCode.input, message: expect.stringContaining('does not exist') }),
    );
    writeFileSync(join(dir, 'file'), '');
    expect(() => checkOutputTarget(join(dir, 'file', 'out.jsonl'))).toThrow(expect.objectContaining({ code: 'not-a-directory' }));
  });

  it('writeFileAtomic and createAtomicWriteStream apply it before writing anything', async () => {
    mkdirSync(join(dir, 'sub'));
    await expect(writeFileAtomic(join(dir, 'sub'), 'x')).rejects.toMatchObject({ code: 'is-a-directory' });
    expect(() => createAtomicWriteStream('/dev/stdout')).toThrow(/symbolic link/);
    expect(lstatSync('/dev/stdout').isSymbolicLink()).toBe(true);
    expect(leftovers()).toEqual([]);
  });
});
