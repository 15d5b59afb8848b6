import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

describe('vigie hashset and match: damaged stores, -f everywhere, match inputs (issue 12)', () => {
  const PDQ = 'f'.repeat(62) + '0a';
  async function store(name: string, lines: string, type = 'md5') {
    const list = join(dir, `${name}.txt`);
    writeFileSync(list, lines);
    const path = join(dir, `${name}.vhs`);
    const imported = await runVigie(['hashset', 'import', list, '--type', type, '-o', path, '-f', 'jsonl']);
    expect(imported.code, imported.stderr).toBe(0);
    return path;
  }

  it('one flipped bit in a store: match, export and stats refuse it (exit 3); --no-verify uses it anyway', async () => {
    const path = await store('flip', `${A}\n${B}\n`);
    const bytes = readFileSync(path);
    const at = bytes.indexOf(Buffer.from(A, 'hex'));
    bytes[at] ^= 0x01;
    writeFileSync(path, bytes);
    const hashes = join(dir, 'query.jsonl');
    writeFileSync(hashes, `${JSON.stringify({ path: 'q', hashes: { md5: A } })}\n`);
    const runs = [
      ['match', '--hashes', hashes, '--against', path, '-f', 'jsonl'],
      ['hashset', 'export', path, '--to', 'plain', '-o', join(dir, 'out.txt')],
      ['hashset', 'stats', path, '-f', 'jsonl'],
    ];
    for (const args of runs) {
      const result = await runVigie(args);
      expect(result.code, args.join(' ')).toBe(3);
      expect(result.stderr).toContain('flip.vhs: damaged hash set: its content does not match the digest in its header');
      expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
    }
    expect(existsSync(join(dir, 'out.txt'))).toBe(false);
    expect((await runVigie(['hashset', 'stats', path, '-f', 'jsonl', '--no-verify'])).code).toBe(0);
  });

  it('hashset verify takes -f jsonl|csv|table and says when a set is empty; import says it kept duplicates', async () => {
    const path = await store('twice', `${A}\n${A}\n${B}\n`);
    const imported = await runVigie(['hashset', 'import', join(dir, 'twice.txt'), '--type', 'md5', '-o', path, '-f', 'jsonl']);
    expect(imported.stderr).toContain('vigie: 1 duplicate hash(es) kept, each with its provenance (md5 1)');
    const table = await runVigie(['hashset', 'verify', path, '-f', 'table']);
    expect(table.code).toBe(0);
    expect(table.stdout).toBe('twice.vhs: sound; 3 hashes (md5 3); 1 duplicate(s) kept (md5 1); sequence 2; signature not checked\n');
    const csv = await runVigie(['hashset', 'verify', path, '-f', 'csv']);
    expect(csv.stdout.split('\n')[0]).toBe('file,verdict,hashes,duplicates,sequence,signature');
    const json = await runVigie(['hashset', 'verify', path, '-f', 'jsonl']);
    expect(JSON.parse(json.stdout)).toMatchObject({ sound: true, duplicates: { md5: 1 }, empty: false });
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '');
    await runVigie(['hashset', 'sign', empty, '--list-format', 'plain', '--type', 'md5', '--key', join(dir, 'ci.key')]);
    const said = await runVigie(['hashset', 'verify', empty]);
    expect(said.stdout).toMatch(/^empty\.txt: sound but EMPTY \(no hash\); 0 hashes/);
  });

  it('-f/--format is the output format in every hashset subcommand that prints one; export names its list format --to', async () => {
    for (const sub of ['import', 'stats', 'diff', 'merge', 'dedupe', 'verify']) {
      const help = await runVigie(['hashset', sub, '--help']);
      expect(help.stdout, sub).toMatch(/-f, --format <format>/);
    }
    expect((await runVigie(['hashset', 'export', '--help'])).stdout).toMatch(/--to <name>/);
  });

  it('match --hashes takes --type for a plain list of 64-digit hashes', async () => {
    const set = await store('pdq', `${PDQ}\n`, 'pdq');
    const list = join(dir, 'pdq-query.txt');
    writeFileSync(list, `${PDQ}\n`);
    const without = await runVigie(['match', '--hashes', list, '--against', set, '-f', 'jsonl']);
    expect(without.code).toBe(3);
    expect(without.stderr).toContain('give --type sha256 or --type pdq');
    const typed = await runVigie(['match', '--hashes', list, '--type', 'pdq', '--against', set, '-f', 'jsonl']);
    expect(typed.code).toBe(0);
    expect(jsonLines<{ matches: unknown[] }>(typed.stdout)[0].matches).toHaveLength(1);
  });

  it('match --against a.vhs photo.png: the positional argument is an input whatever the order', async () => {
    const set = await store('order', `${A}\n`);
    const photo = join(dir, 'photo.bin');
    writeFileSync(photo, 'not an image');
    const after = await runVigie(['match', '--against', set, photo, '-a', 'md5', '-f', 'jsonl']);
    const before = await runVigie(['match', photo, '--against', set, '-a', 'md5', '-f', 'jsonl']);
    expect(after.code, after.stderr).toBe(0);
    const paths = (text: string) => jsonLines<{ path: string }>(text).map((r) => r.path);
    expect(paths(after.stdout)).toEqual([photo]);
    expect(paths(after.stdout)).toEqual(paths(before.stdout));
  });
});

describe('vigie match with nothing to match (issue 12: empty results are consistent)', () => {
  it('an empty directory or a --hashes list holding no hash is exit 3 with one line, not "0 inputs" and exit 0', async () => {
    const list = join(dir, 'set-source.txt');
    writeFileSync(list, `${A}\n`);
    const set = join(dir, 'nothing.vhs');
    expect((await runVigie(['hashset', 'import', list, '--type', 'md5', '-o', set])).code).toBe(0);
    const empty = join(dir, 'empty-dir');
    mkdirSync(empty);
    const media = await runVigie(['match', empty, '--against', set, '-f', 'jsonl']);
    expect(media.code).toBe(3);
    expect(media.stderr).toContain(`no file found in ${empty}: nothing to match`);
    const hashes = join(dir, 'no-hashes.jsonl');
    writeFileSync(hashes, '\n\n');
    const records = await runVigie(['match', '--hashes', hashes, '--hashes-format', 'jsonl', '--against', set, '-f', 'jsonl']);
    expect(records.code).toBe(3);
    expect(records.stderr).toContain('holds no hash: nothing to match');
  });
});
