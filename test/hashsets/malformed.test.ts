import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectFormat } from '../../src/hashsets/detect.js';
import type { FormatName } from '../../src/hashsets/formats/index.js';
import { importHashSet, readList } from '../../src/hashsets/import.js';
import type { ImportOptions } from '../../src/hashsets/import-context.js';
import { REPO_ROOT } from '../helpers/shared.js';

const dir = mkdtempSync(join(tmpdir(), 'vigie-malformed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MD5 = 'd41d8cd98f00b204e9800998ecf8427e';
const SHA1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';

async function importText(name: string, text: string | Buffer, options: ImportOptions & { format?: FormatName } = {}) {
  const path = join(dir, name);
  writeFileSync(path, text);
  const { context, entries } = await readList(path, options);
  const hashes: string[] = [];
  for await (const entry of entries) hashes.push(`${entry.signal}:${entry.hash}`);
  return { hashes, skipped: context.skipped, skippedCount: context.skippedCount, ignored: context.ignored, warnings: context.warnings };
}

describe('malformed input gives file:line reasons, never a silent drop', () => {
  it('bad hex and wrong lengths are skipped with their line; --strict fails on the first', async () => {
    const text = `${MD5}\n${MD5.replace('d', 'g')}\n${MD5.slice(2)}\n\n# comment\n${MD5.toUpperCase()}\n`;
    const result = await importText('bad.txt', text, { format: 'plain', type: 'md5' });
    expect(result.hashes).toEqual([`md5:${MD5}`, `md5:${MD5}`]);
    expect(result.skipped).toEqual([
      { file: 'bad.txt', line: 2, reason: 'bad hex in md5 hash' },
      { file: 'bad.txt', line: 3, reason: 'wrong length for md5: 30 hex digits, 32 expected' },
    ]);
    await expect(importText('bad.txt', text, { format: 'plain', type: 'md5', strict: true })).rejects.toThrow(
      'bad.txt:2: bad hex in md5 hash (--strict: no line may be skipped)',
    );
  });

  it('a list whose every line is skipped is an error, not an empty set that looks imported', async () => {
    const path = join(dir, 'all-bad.txt');
    writeFileSync(path, `${MD5.replace('d', 'g')}\n${MD5.slice(2)}\n`);
    const output = join(dir, 'all-bad.vhs');
    await expect(importHashSet([path], output, { format: 'plain', type: 'md5' })).rejects.toThrow(
      'nothing imported: 2 line(s) skipped (first: all-bad.txt:1: bad hex in md5 hash)',
    );
    expect(existsSync(output)).toBe(false);
  });

  it('BSD-style lines name their algorithm (md5 -r / shasum --tag)', async () => {
    const path = join(dir, 'bsd.txt');
    writeFileSync(path, `MD5 (a b.jpg) = ${MD5.toUpperCase()}\nSHA1 (c.png) = ${SHA1}\nSHA256 (d) = ${MD5}\n`);
    expect(await detectFormat(path)).toBe('plain');
    const result = await importText('bsd.txt', readFileSync(path));
    expect(result.hashes).toEqual([`md5:${MD5}`, `sha1:${SHA1}`]);
    expect(result.skipped).toEqual([{ file: 'bsd.txt', line: 3, reason: 'wrong length for sha256: 32 hex digits, 64 expected' }]);
  });

  it('a 64-hex plain list needs --type (SHA-256 and PDQ look alike)', async () => {
    await expect(importText('ambiguous.txt', `${'a'.repeat(64)}\n`, { format: 'plain' })).rejects.toThrow(
      /ambiguous\.txt:1: 64 hex digits can be SHA-256 or PDQ: give --type/,
    );
  });

  it('truncated NCMEC XML is an error with the line where it ends', async () => {
    const xml = `<?xml version="1.0"?>\n<queryResult xmlns="https://hashsharing.ncmec.org/hashsharing/v2">\n<images count="2">\n<image><id>1</id><fingerprints><md5>${MD5}</md5></fingerprints></image>\n<image><id>2</id><fingerp`;
    await expect(importText('cut.xml', xml, { format: 'ncmec' })).rejects.toThrow(/cut\.xml:5: truncated XML: an entry element is not closed/);
    const unclosedRoot = xml.slice(0, xml.lastIndexOf('<image><id>2'));
    await expect(importText('cut2.xml', unclosedRoot, { format: 'ncmec' })).rejects.toThrow(/cut2\.xml:4: truncated XML: the document ends before <\/queryResult>/);
  });

  it('NCMEC: unknown fingerprint types and tombstones are counted, not dropped silently', async () => {
    const xml = `<queryResult><images><image><fingerprints><MD5>${MD5}</MD5><pdna>abc</pdna></fingerprints></image>\n<deletedImage><id>9</id></deletedImage></images></queryResult>`;
    const result = await importText('fp.xml', xml);
    expect(result.hashes).toEqual([`md5:${MD5}`]);
    expect(result.ignored).toEqual({ 'PhotoDNA fingerprint': 1, 'tombstone of an entry not in these pages': 1 });
  });

  const vics = (media: string) =>
    `{"odata.metadata":"http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml#Media","value":[\n${media}`;

  it('truncated VICS JSON is an error with its line', async () => {
    await expect(importText('cut.json', vics(`{"MD5":"${MD5}","Category":1},\n{"MD5":"${MD5}",`))).rejects.toThrow(
      /cut\.json:3: truncated JSON/,
    );
  });

  it('an unknown VICS category is skipped with its line; VICS 1.x says which scheme it assumed', async () => {
    const result = await importText('cat.json', vics(`{"MD5":"${MD5}","Category":1},\n{"MD5":"${MD5}","Category":9}]}`));
    expect(result.hashes).toEqual([`md5:${MD5}`]);
    expect(result.skipped).toEqual([{ file: 'cat.json', line: 3, reason: 'unknown vics-us category "9" (known: 0, 1, 2, 3, 4)' }]);
    expect(result.warnings[0]).toMatch(/declares no category profile: categories read as vics-us/);
  });

  it('VICS 2.0 cases with string booleans, BOM and PhotoDNA', async () => {
    const doc = `\ufeff{"@odata.context":"http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/UK/$metadata#Cases","value":[{"CaseNumber":"1","Media":[{"MD5":"${MD5.toUpperCase()}","SHA1":"${SHA1}","Category":"3","IsPrecategorized":"true","PhotoDNA":"xyz"}]}]}`;
    const result = await importText('case.json', doc);
    expect(result.hashes).toEqual([`md5:${MD5}`, `sha1:${SHA1}`]);
    expect(result.ignored).toEqual({ 'PhotoDNA hash': 1 });
    expect(result.warnings[0]).toMatch(/labels of scheme vics-uk are not known/);
  });

  it('binary garbage: detection refuses it; forced as plain, every line is skipped with a reason', async () => {
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
    const path = join(dir, 'garbage.bin');
    writeFileSync(path, garbage);
    await expect(detectFormat(path)).rejects.toThrow('garbage.bin:1: binary data, not a hash list');
    const result = await importText('garbage.bin', garbage, { format: 'plain', type: 'md5' });
    expect(result.hashes).toEqual([]);
    expect(result.skippedCount).toBeGreaterThan(0);
    expect(result.skipped.every((s) => s.reason === 'binary data, not text')).toBe(true);
  });

  it('CSV with an unterminated quote is an error with its line', async () => {
    await expect(importText('quote.csv', `hash,signal\n${MD5},md5\n"${MD5},md5\n`, { format: 'csv' })).rejects.toThrow(/quote\.csv:\d+: not valid CSV/);
  });

  it('ThreatExchange signals with no signal type here (url, raw_text) are counted as ignored', async () => {
    const result = await importText('tx.csv', `signal_type,signal_str,collab,category,tags\nurl,http://x,c,,\nvideo_md5,${MD5},c,POSITIVE_CLASS,a b\n`);
    expect(result.hashes).toEqual([`md5:${MD5}`]);
    expect(result.ignored).toEqual({ 'ThreatExchange url signal': 1 });
  });
});

describe('a single huge line', () => {
  /** Peak RSS (MB) of a child process importing `path` as a plain MD5 list, and what it reported. */
  function importInChild(path: string) {
    const script = `
      const { readList } = await import(${JSON.stringify(join(REPO_ROOT, 'dist/hashsets/index.js'))});
      const { context, entries } = await readList(${JSON.stringify(path)}, { format: 'plain', type: 'md5' });
      let count = 0;
      for await (const _ of entries) count++;
      console.log(JSON.stringify({ count, skipped: context.skipped, rss: process.resourceUsage().maxRSS / 1024 }));`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(child.stderr).toBe('');
    return JSON.parse(child.stdout) as { count: number; skipped: { line: number; reason: string }[]; rss: number };
  }

  it('is refused over the maximum line length, streamed in bounded memory (64 MiB line)', () => {
    const huge = join(dir, 'huge.txt');
    const fd = openSync(huge, 'w');
    const block = Buffer.alloc(1 << 20, 0x61);
    for (let i = 0; i < 64; i++) writeSync(fd, block);
    writeSync(fd, `\n${MD5}\n`);
    closeSync(fd);
    const small = join(dir, 'small.txt');
    writeFileSync(small, `${MD5}\n`);
    const baseline = importInChild(small);
    const result = importInChild(huge);
    expect(result.count).toBe(1);
    expect(result.skipped).toEqual([{ file: 'huge.txt', line: 1, reason: 'over-long line: 67108864 bytes, the maximum is 1048576 (--max-line-length)' }]);
    // Holding the line would cost 64 MiB or more; streaming costs a few 1 MiB chunks.
    expect(result.rss - baseline.rss).toBeLessThan(40);
    rmSync(huge);
  });
});
