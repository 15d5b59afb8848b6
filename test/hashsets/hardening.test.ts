// Issue 12's hash-list items, each reproduced first against the code before the fix.
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeCategory, makeCategory } from '../../src/core/categories.js';
import { csvColumn, parseCsvRows } from '../../src/core/csv.js';
import { linesOf, readLines } from '../../src/core/lines.js';
import { detectFormat } from '../../src/hashsets/detect.js';
import { importHashSet, readList } from '../../src/hashsets/import.js';
import { buildManifest, writeManifest } from '../../src/hashsets/manifest.js';
import { generateKeys, signFile } from '../../src/hashsets/signing.js';
import { entriesOf, loadHashSet } from '../../src/hashsets/store-reader.js';
import { verifyHashSet } from '../../src/hashsets/verify.js';

const dir = mkdtempSync(join(tmpdir(), 'vigie-hardening-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MD5 = ['d41d8cd98f00b204e9800998ecf8427e', '0cc175b9c0f1b6a831c399e269772661', '900150983cd24fb0d6963f7d28e17f72'];
const SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
async function read(path: string, options = {}) {
  const { format, context, entries } = await readList(path, options);
  const all = [];
  for await (const entry of entries) all.push(entry);
  return { format, context, entries: all };
}
const hashesOf = (entries: { hash: string }[]) => entries.map((e) => e.hash);

describe('encodings and forms real tools write', () => {
  const lines = `${MD5[0]}  a.jpg\n${MD5[1]}  b.jpg\n`;
  it('UTF-16 LE and BE with a BOM (Windows exports) are read, not called binary', async () => {
    const le = file('le.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(lines.replace(/\n/g, '\r\n'), 'utf16le')]));
    const be = file('be.txt', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(lines, 'utf16le').swap16()]));
    for (const path of [le, be]) {
      expect(await detectFormat(path)).toBe('plain');
      const { entries, context } = await read(path);
      expect(hashesOf(entries)).toEqual(MD5.slice(0, 2));
      expect(entries[1].fileName).toBe('b.jpg');
      expect(context.skippedCount).toBe(0);
    }
  });
  it('documents too: an NCMEC page and VICS JSON in UTF-16 are read', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-16"?>\r\n<queryResult><images><image><fingerprints><md5>${MD5[0]}</md5></fingerprints></image></images></queryResult>\r\n`;
    const page = file('page16.xml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')]));
    expect(await detectFormat(page)).toBe('ncmec');
    expect(hashesOf((await read(page)).entries)).toEqual([MD5[0]]);
    const vics = JSON.stringify({ 'odata.metadata': 'http://github.com/ICMEC/ProjectVic/DataModels/1.2.xml#Media', value: [{ MediaID: 1, Category: 1, MD5: MD5[1] }] });
    const json = file('vics16.json', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(vics, 'utf16le').swap16()]));
    expect(hashesOf((await read(json)).entries)).toEqual([MD5[1]]);
  });
  it('a UTF-16 CSV with a ; separator: the separator is guessed from the decoded header', async () => {
    const csv = `hash;signal;category\r\n${MD5[0]};md5;x\r\n`;
    const path = file('semi16.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csv, 'utf16le')]));
    const { entries } = await read(path, { format: 'csv', categoryScheme: 'custom' });
    expect(entries.map((e) => [e.hash, e.category?.value])).toEqual([[MD5[0], 'x']]);
  });
  it('a UTF-8 BOM and CRLF line ends are invisible', async () => {
    const path = file('bom.txt', `\ufeff${lines.replace(/\n/g, '\r\n')}`);
    expect(hashesOf((await read(path)).entries)).toEqual(MD5.slice(0, 2));
  });
  it('md5sum (binary-mode `*`, escaped names) and sha256sum output', async () => {
    const path = file('md5sum.txt', `${MD5[0]} *a.jpg\n\\${MD5[1]}  back\\\\slash\\nnewline.jpg\n`);
    const { entries } = await read(path);
    expect(entries.map((e) => e.fileName)).toEqual(['a.jpg', 'back\\slash\nnewline.jpg']);
    const sha = file('sha256sum.txt', `${SHA256}  a.jpg\n`);
    expect(hashesOf((await read(sha, { type: 'sha256' })).entries)).toEqual([SHA256]);
  });
  it('openssl dgst output (`MD5(file)= …`, OpenSSL 3 `SHA2-256(file)= …`)', async () => {
    const path = file('dgst.txt', `MD5(a.jpg)= ${MD5[0]}\nSHA2-256(b c.jpg)= ${SHA256}\nSHA1(x)= ${'a'.repeat(40)}\n`);
    expect(await detectFormat(path)).toBe('plain');
    const { entries } = await read(path);
    expect(entries.map((e) => [e.signal, e.fileName])).toEqual([['md5', 'a.jpg'], ['sha256', 'b c.jpg'], ['sha1', 'x']]);
  });
  it('a bad first line followed by good ones is one skipped line, not an undetectable list', async () => {
    const path = file('first-bad.txt', `Hash list exported 2026-11-30\n${MD5[0]}\n`);
    expect(await detectFormat(path)).toBe('plain');
    const { entries, context } = await read(path);
    expect(hashesOf(entries)).toEqual([MD5[0]]);
    expect(context.skipped.map((s) => s.line)).toEqual([1]);
  });
  it('an over-long line is reported as an over-long line', async () => {
    const path = file('long.txt', `${'a'.repeat(70_000)}\n${MD5[0]}\n`);
    await expect(detectFormat(path)).rejects.toThrow('long.txt:1: over-long line (more than 65536 bytes without a line break)');
    const { context } = await read(path, { format: 'plain', maxLineBytes: 1024 });
    expect(context.skipped[0].reason).toBe('over-long line: 70000 bytes, the maximum is 1024 (--max-line-length)');
  });
});

describe('md5deep and hashdeep variants', () => {
  it('md5deep -z: the size column is read as the file size', async () => {
    const path = file('z.txt', `     1234  ${MD5[0]}  /case/a.jpg\n        0  ${MD5[1]}  /case/empty\n`);
    expect(await detectFormat(path)).toBe('plain');
    const { entries } = await read(path);
    expect(entries.map((e) => [e.hash, e.fileSize, e.fileName])).toEqual([[MD5[0], 1234, '/case/a.jpg'], [MD5[1], 0, '/case/empty']]);
  });
  it('hashdeep: a file name holding a line break is read whole', async () => {
    const text = `%%%% HASHDEEP-1.0\n%%%% size,md5,sha256,filename\n## x\n10,${MD5[0]},${SHA256},/case/two\nlines.jpg\n20,${MD5[1]},${SHA256},/case/b.jpg\n`;
    const { entries, context } = await read(file('nl.hashdeep', text));
    expect(entries.map((e) => e.fileName)).toEqual(['/case/two\nlines.jpg', '/case/two\nlines.jpg', '/case/b.jpg', '/case/b.jpg']);
    expect(context.skippedCount).toBe(0);
  });
  it('md5deep: the rest of a name broken by a line break is skipped with that reason', async () => {
    const { context } = await read(file('broken.txt', `${MD5[0]}  /case/two\nlines.jpg\n${MD5[1]}  /case/b.jpg\n`));
    expect(context.skipped).toEqual([
      { file: 'broken.txt', line: 2, reason: "not a hash line: probably the rest of line 1's file name (a name holding a line break, as md5deep writes it)" },
    ]);
  });
});

describe('NCMEC pages imported together apply in order (python-threatexchange fetch)', () => {
  const page = (body: string) => `<?xml version="1.0"?>\n<queryResult xmlns="https://hashsharing.ncmec.org/hashsharing/v2"><images>\n${body}</images></queryResult>\n`;
  const image = (id: number, classification: string, md5: string, extra = '') =>
    `<image><member id="7">M</member><id>${id}</id><classification>${classification}</classification><fingerprints><md5>${md5}</md5>${extra}</fingerprints></image>\n`;
  it('a tombstone deletes, a re-classification keeps the later one only, and the fresh set verifies', async () => {
    const one = file('p1.xml', page(image(1, 'A1', MD5[0]) + image(2, 'A1', MD5[1]) + image(3, 'B1', MD5[2], '<pdna>x</pdna><tmk_pdqf>y</tmk_pdqf><videntifier>z</videntifier>')));
    const two = file('p2.xml', page('<deletedImage><member id="7">M</member><id>1</id></deletedImage>\n' + image(2, 'A2', MD5[1])));
    const output = join(dir, 'ncmec.vhs');
    const result = await importHashSet([one, two], output);
    const entries = [...entriesOf(await loadHashSet(output))];
    expect(entries.map((e) => [e.hash, e.category?.value])).toEqual([[MD5[2], 'B1'], [MD5[1], 'A2']]);
    expect(result.files[0].counts).toEqual({ md5: 1 });
    expect(result.files[0].ignored).toEqual({
      'PhotoDNA fingerprint': 1,
      'TMK+PDQF fingerprint': 1,
      'Videntifier fingerprint': 1,
      'hash deleted by a later tombstone': 1,
      'hash replaced by a later update of its entry': 1,
    });
    expect(result.duplicates).toEqual({});
    await writeManifest(output, await buildManifest(output));
    expect((await verifyHashSet(output)).sound).toBe(true);
  });
});

describe('categories', () => {
  it('ThreatExchange DISPUTED is imported, and known not to be illegal', async () => {
    const csv = file('tx.csv', `signal_type,signal_str,collab,category,tags\nvideo_md5,${MD5[0]},c,DISPUTED,\nvideo_md5,${MD5[1]},c,NEGATIVE_CLASS,\n`);
    const { entries, context } = await read(csv);
    expect(context.skippedCount).toBe(0);
    expect(entries.map((e) => e.category)).toEqual([
      { scheme: 'threatexchange', value: 'DISPUTED', label: 'disputed (opinions disagree)', illegal: false },
      { scheme: 'threatexchange', value: 'NEGATIVE_CLASS', label: 'negative', illegal: false },
    ]);
  });
  it('come from data/categories.json with their illegality; unknown schemes leave it unknown', () => {
    const table = JSON.parse(readFileSync(new URL('../../data/categories.json', import.meta.url), 'utf8'));
    expect(table.schemes['vics-us'].values['1'].illegal).toBe(true);
    expect(makeCategory('vics-us', '1')).toEqual({ category: { scheme: 'vics-us', value: '1', label: 'Child Abuse Material (CAM)', illegal: true } });
    expect(makeCategory('vics-us', '0')).toMatchObject({ category: { illegal: false } });
    expect(makeCategory('vics-us', '9')).toHaveProperty('error');
    expect(describeCategory({ scheme: 'hotline-x', value: 'v', label: 'l' })).toEqual({ scheme: 'hotline-x', value: 'v', label: 'l' });
  });
});

describe('duplicates and empty imports', () => {
  it('an import meeting a hash twice keeps both and says so; the signed fresh set verifies, counting them alike', async () => {
    const path = file('dupes.txt', `${MD5[0]}\n${MD5[1]}\n${MD5[0]}\n`);
    const output = join(dir, 'dupes.vhs');
    const result = await importHashSet([path], output);
    expect(result.duplicates).toEqual({ md5: 1 });
    const keys = await generateKeys(join(dir, 'k'));
    await signFile(await writeManifest(output, await buildManifest(output)), keys.privateKey);
    const report = await verifyHashSet(output, { publicKey: keys.publicKey });
    expect(report).toMatchObject({ sound: true, signature: 'valid', duplicates: { md5: 1 }, empty: false });
  });
  it('an import keeping no entry is an error, whatever the reason (comments only, only ignored signals)', async () => {
    await expect(importHashSet([file('comments.txt', '# nothing\n# here\n')], join(dir, 'c.vhs'), { format: 'plain' })).rejects.toThrow(
      'nothing imported: no hash in the list(s)',
    );
    const urls = file('urls.csv', 'signal_type,signal_str,collab,category,tags\nurl,http://x,c,,\n');
    await expect(importHashSet([urls], join(dir, 'u.vhs'))).rejects.toThrow('nothing imported: ignored: 1 ThreatExchange url signal');
  });
  it('verify says a set is empty', async () => {
    const path = file('empty.txt', '');
    await writeManifest(path, await buildManifest(path, { format: 'plain', type: 'md5' }));
    const report = await verifyHashSet(path);
    expect(report.empty).toBe(true);
  });
});

describe('one line reader and one CSV reader', () => {
  it('readLines reads a stream as a file, linesOf a text by the same rules', async () => {
    async function* chunks() {
      yield Buffer.from([0xef, 0xbb]);
      yield Buffer.from([0xbf, 0x61, 0x0d, 0x0a, 0x62]);
    }
    const read = [];
    for await (const line of readLines(chunks())) read.push(line.text);
    expect(read).toEqual(['a', 'b']);
    expect(linesOf('\ufeffa\r\nb\n')).toEqual(['a', 'b']);
  });
  it('parses quoted CSV and names a missing column', () => {
    expect(parseCsvRows('a,"b,c"\n')).toEqual([['a', 'b,c']]);
    expect(csvColumn('\ufeffurl,x\n"http://a/,b",1\n', 'url')).toEqual(['http://a/,b']);
    expect(() => csvColumn('url\nx\n', 'link')).toThrow('the CSV input has no column "link" (columns: url)');
  });
});
