import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonLines, runVigie } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'vigie-cli-hashset-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);
const BAD = `${'c'.repeat(31)}x`;

describe('vigie hashset (CLI)', () => {
  it('import reports every skipped line with file:line and the count, writes the store 0600 with a manifest', async () => {
    const list = join(dir, 'list.txt');
    writeFileSync(list, `${A}\n${BAD}\n${B}\n`);
    const store = join(dir, 'list.vhs');
    const result = await runVigie(['hashset', 'import', list, '--type', 'md5', '-o', store, '-f', 'jsonl']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('vigie: list.txt:2: bad hex in md5 hash (skipped)');
    expect(result.stderr).toContain('vigie: 1 line(s) skipped in total');
    expect(result.stderr).not.toContain(BAD);
    expect(jsonLines(result.stdout)).toEqual([
      expect.objectContaining({ file: 'list.txt', format: 'plain', counts: { md5: 2 }, skippedCount: 1 }),
    ]);
    expect(statSync(store).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(`${store}.manifest.json`, 'utf8'))).toMatchObject({ sequence: 1, counts: { md5: 2 }, format: 'native' });
  });

  it('--strict fails on the first skipped line with exit 3 and writes nothing', async () => {
    const list = join(dir, 'strict.txt');
    writeFileSync(list, `${A}\n${BAD}\n`);
    const store = join(dir, 'strict.vhs');
    const result = await runVigie(['hashset', 'import', list, '--type', 'md5', '-o', store, '--strict']);
    expect(result.code).toBe(3);
    expect(result.stderr).toBe('vigie: strict.txt:2: bad hex in md5 hash (--strict: no line may be skipped)\n');
    expect(existsSync(store)).toBe(false);
  });

  it('sign and verify: exit 0 when sound, 1 with one line per problem, --json for machines', async () => {
    const list = join(dir, 'ci.txt');
    writeFileSync(list, `${A}\n${B}\n`);
    expect((await runVigie(['hashset', 'keygen', join(dir, 'ci')])).code).toBe(0);
    const signed = await runVigie(['hashset', 'sign', list, '--type', 'md5', '--key', join(dir, 'ci.key'), '--sequence', '3']);
    expect(signed.code).toBe(0);
    const sound = await runVigie(['hashset', 'verify', list, '--pubkey', join(dir, 'ci.pub')]);
    expect(sound.code).toBe(0);
    expect(sound.stdout).toBe('ci.txt: sound; 2 hashes (md5 2); sequence 3; signature valid\n');
    writeFileSync(list, `${A}\n`);
    const broken = await runVigie(['hashset', 'verify', list, '--pubkey', join(dir, 'ci.pub')]);
    expect(broken.code).toBe(1);
    expect(broken.stderr.split('\n').filter(Boolean)).toEqual([
      'ci.txt: 33 bytes, the manifest says 66',
      'ci.txt: SHA-256 of the file differs from the manifest (content changed)',
      'ci.txt: 1 md5 hashes, the manifest says 2',
    ]);
    const json = await runVigie(['hashset', 'verify', list, '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ sound: false, problemCount: 3, signature: 'not checked' });
  });

  it('merge keeps provenance and reports category conflicts; dedupe; diff per signal; export counts what it leaves out', async () => {
    const one = join(dir, 'one.csv');
    const two = join(dir, 'two.csv');
    writeFileSync(one, `hash,signal,category\n${A},md5,1\n${A},md5,1\n${'1'.repeat(64)},pdq,1\n`);
    writeFileSync(two, `hash,signal,category\n${A},md5,2\n${B},md5,2\n`);
    for (const name of ['one', 'two']) {
      const imported = await runVigie(['hashset', 'import', join(dir, `${name}.csv`), '-o', join(dir, `${name}.vhs`)]);
      expect(imported.code).toBe(0);
    }
    const merged = await runVigie(['hashset', 'merge', join(dir, 'one.vhs'), join(dir, 'two.vhs'), '-o', join(dir, 'merged.vhs'), '-f', 'jsonl']);
    expect(merged.code).toBe(0);
    expect(merged.stderr).toContain('read 5 entries, wrote 3 (2 duplicates merged), 1 category conflicts');
    expect(jsonLines(merged.stdout)).toEqual([
      {
        signal: 'md5',
        hash: A,
        categories: [
          { category: 'custom:1', from: { file: 'one.csv', line: 2, format: 'csv' } },
          { category: 'custom:2', from: { file: 'two.csv', line: 2, format: 'csv' } },
        ],
      },
    ]);
    const deduped = await runVigie(['hashset', 'dedupe', join(dir, 'one.vhs'), '-o', join(dir, 'deduped.vhs')]);
    expect(deduped.stderr).toContain('read 3 entries, wrote 2 (1 duplicates merged)');
    const diff = await runVigie(['hashset', 'diff', join(dir, 'one.vhs'), join(dir, 'two.vhs'), '-f', 'jsonl']);
    expect(jsonLines(diff.stdout)).toEqual([
      { signal: 'md5', added: 1, removed: 0, category: 1 },
      { signal: 'pdq', added: 0, removed: 1, category: 0 },
    ]);
    const exported = await runVigie(['hashset', 'export', join(dir, 'merged.vhs'), '--to', 'hashdeep', '-o', join(dir, 'out.hashdeep')]);
    expect(exported.code).toBe(0);
    expect(exported.stderr).toContain('vigie: 1 entries left out: pdq is not a hashdeep algorithm');
    const stats = await runVigie(['hashset', 'stats', join(dir, 'merged.vhs'), '-f', 'jsonl']);
    expect(JSON.parse(stats.stdout)).toMatchObject({ total: 3, counts: { md5: 2, pdq: 1 }, duplicates: 0 });
  });

  it('subcommands have --help with examples', async () => {
    for (const sub of ['import', 'merge', 'verify']) {
      const help = await runVigie(['hashset', sub, '--help']);
      expect(help.code, sub).toBe(0);
      expect(help.stdout, sub).toMatch(/Example/);
    }
  });
});
