import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonLines, runVigie } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/shared.js';

const work = mkdtempSync(join(tmpdir(), 'vigie-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const version = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version as string;

describe('vigie CLI basics', () => {
  it('--version prints the package version', async () => {
    const result = await runVigie(['--version']);
    expect(result).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('--help lists the commands and exit codes; hash --help has examples', async () => {
    const top = await runVigie(['--help']);
    expect(top.code).toBe(0);
    // Listed by name and summary only: a command's own module is loaded when it runs (start-up).
    expect(top.stdout).toMatch(/\n {2}hash +hash media files/);
    expect(top.stdout).toMatch(/\n {2}doctor +check the tools/);
    expect(top.stdout).toMatch(/Exit codes/);
    const hash = await runVigie(['hash', '--help']);
    expect(hash.stdout).toMatch(/Examples:\n\s+vigie hash samples/);
  });

  it('an unknown option or algorithm is a usage error (exit 2), one line, no stack trace', async () => {
    const option = await runVigie(['hash', '--bogus', 'samples']);
    expect(option.code).toBe(2);
    const algorithm = await runVigie(['hash', '-a', 'md6', 'samples']);
    expect(algorithm.code).toBe(2);
    expect(algorithm.stderr).toMatch(/unknown algorithm "md6"/);
    expect(algorithm.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('vigie hash output', () => {
  it('JSON Lines records have exactly the documented keys', async () => {
    const result = await runVigie(['hash', '--dihedral', 'samples/shapes.png', 'samples/notes.txt']);
    expect(result.code).toBe(0);
    const [image, other] = jsonLines(result.stdout);
    expect(Object.keys(image)).toEqual(['path', 'media', 'bytes', 'width', 'height', 'hashes', 'pdq_quality', 'pdq_dihedral']);
    expect(Object.keys(image.hashes as object)).toEqual(['md5', 'sha1', 'sha256', 'pdq', 'blockhash']);
    expect(image.pdq_dihedral).toHaveLength(8);
    expect(other).toMatchObject({ path: 'samples/notes.txt', media: 'other' });
  });

  it('digests equal coreutils md5sum/sha1sum/sha256sum on every sample', async () => {
    const result = await runVigie(['hash', '-a', 'md5,sha1,sha256', '-j', '2', 'samples']);
    const records = jsonLines<{ path: string; hashes: Record<string, string> }>(result.stdout);
    expect(records.length).toBeGreaterThan(15);
    for (const tool of ['md5', 'sha1', 'sha256']) {
      const output = execFileSync(`${tool}sum`, records.map((r) => r.path), { cwd: REPO_ROOT, encoding: 'utf8' });
      const expected = new Map(output.trim().split('\n').map((line) => [line.slice(line.indexOf('  ') + 2), line.split(' ')[0]]));
      for (const record of records) expect(record.hashes[tool], `${tool} ${record.path}`).toBe(expected.get(record.path));
    }
  });

  it('reads paths from stdin and --from; CSV has a header and neutralises formula-like cells', async () => {
    writeFileSync(join(work, '=HYPERLINK("x").txt'), 'not an image');
    const list = join(work, 'list.txt');
    writeFileSync(list, `${join(REPO_ROOT, 'samples/text.png')}\r\n\r\n`);
    const result = await runVigie(['hash', '-', '--from', list, '-a', 'md5', '-f', 'csv'], {
      input: '=HYPERLINK("x").txt\n',
      cwd: work,
    });
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe('path,media,bytes,width,height,md5,pdq_quality,frames,note');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^"'=HYPERLINK|^'=HYPERLINK/);
    expect(lines[2]).toMatch(/samples\/text\.png,image,/);
  });

  it('-o writes the file atomically; a failing file gives an error record and exit 3 at the end', async () => {
    const broken = join(work, 'broken.jpg');
    writeFileSync(broken, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]));
    const out = join(work, 'out.jsonl');
    const result = await runVigie(['hash', broken, 'samples/text.png', '-o', out]);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/broken\.jpg: cannot decode image/);
    const records = jsonLines(readFileSync(out, 'utf8'));
    expect(records[0]).toMatchObject({ path: broken, error: { code: 'corrupt-image' } });
    expect(records[1]).toMatchObject({ media: 'image' });
    expect(existsSync(join(work, '.out.jsonl.tmp'))).toBe(false);
  });

  it('a missing input is an error record, exit 3', async () => {
    const result = await runVigie(['hash', join(work, 'nope.png')]);
    expect(result.code).toBe(3);
    expect(jsonLines(result.stdout)[0]).toMatchObject({ error: { code: 'not-found' } });
  });
});
