import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HashSetEntry } from '../../src/core/hashset.js';
import type { MatchOutput, MatchRecord } from '../../src/core/match.js';
import { hashFile } from '../../src/hashing/hash-file.js';
import { parseVpdq } from '../../src/hashing/video/vpdq-format.js';
import { loadHashSet, writeHashSet } from '../../src/hashsets/index.js';
import { jsonLines, runVigie } from '../helpers/cli.js';
import { readCsv, readCsvObjects } from '../helpers/csv.js';
import { REPO_ROOT, sharedPath } from '../helpers/shared.js';

const dir = mkdtempSync(join(tmpdir(), 'vigie-cli-match-'));
// Indexes go to the XDG cache (inherited by the CLI runs), never beside the set.
const cache = join(dir, 'cache');
/** Output without its observation times, which differ from run to run. */
const timeless = (text: string) => text.replace(/"observedAt":"[^"]*"/g, '');
process.env.XDG_CACHE_HOME = cache;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const samples = join(REPO_ROOT, 'samples');
const ORIGINALS = ['gradient', 'shapes', 'text'];
const pdqSet = join(dir, 'originals-pdq.vhs');
const blockhashSet = join(dir, 'originals-blockhash.vhs');

/** Output records by file name (samples/transformed/x.png → x.png). */
function byName(stdout: string): Map<string, MatchRecord> {
  return new Map(jsonLines<MatchRecord>(stdout).map((record) => [record.path.split('/').pop() as string, record]));
}
const best = (record: MatchRecord | undefined) => record?.matches[0];

beforeAll(async () => {
  const pdq: HashSetEntry[] = [];
  const blockhash: HashSetEntry[] = [];
  for (const [i, name] of ORIGINALS.entries()) {
    const record = await hashFile(join(samples, `${name}.png`), { algorithms: ['pdq', 'blockhash'] });
    if (!('hashes' in record)) throw new Error(`cannot hash sample ${name}`);
    const category = { scheme: 'vics-us', value: String(i + 1) };
    pdq.push({ hash: record.hashes.pdq as string, signal: 'pdq', category, source: 'samples' });
    blockhash.push({ hash: record.hashes.blockhash as string, signal: 'blockhash', category, source: 'samples' });
  }
  await writeHashSet(pdqSet, pdq, { name: 'originals-pdq' });
  await writeHashSet(blockhashSet, blockhash, { name: 'originals-blockhash' });
});

describe('vigie match on samples/', () => {
  it('re-encoded and resized copies match their originals by PDQ at the expected distances; others do not', async () => {
    const result = await runVigie(['match', samples, '--against', pdqSet, '-f', 'jsonl', '-j', '2']);
    expect(result.code).toBe(3); // notes.txt has no PDQ: it could not be checked, and says so
    const records = byName(result.stdout);
    const distances = (name: string) => records.get(name)?.matches.map((match) => match.distance);
    expect(distances('gradient-q60.jpg')).toEqual([2]);
    expect(distances('shapes-q60.jpg')).toEqual([2]);
    expect(distances('text-q60.jpg')).toEqual([4]);
    expect(distances('gradient-resized.png')).toEqual([14]);
    expect(distances('shapes-resized.png')).toEqual([4]);
    expect(distances('text-resized.png')).toEqual([]); // 32 bits: one over PDQ's threshold (blockhash catches it)
    expect(distances('gradient-crop5.png')).toEqual([24]);
    expect(distances('shapes-crop5.png')).toEqual([28]);
    expect(distances('text-crop5.png')).toEqual([]); // 48 bits: text's edges move under a crop (blockhash catches it)
    for (const name of ['gradient', 'shapes', 'text']) {
      expect(best(records.get(`${name}.png`))).toMatchObject({ distance: 0, variant: 'orig', set: 'originals-pdq' });
      expect(distances(`${name}-mirror.png`)).toEqual([]);
      expect(distances(`${name}-rot90.png`)).toEqual([]);
    }
    expect(distances('tiles.png')).toEqual([]);
    expect(records.get('notes.txt')).toMatchObject({ error: { code: 'not-comparable' } });
    // The notices' and triage's sample files are not media either: errors, like notes.txt.
    const notMedia = [
      'notes.txt', 'case-example.yaml', 'resolve.jsonl', 'geo.jsonl', 'match.jsonl', 'notifier.json', 'reports.csv',
      'reports-known.vhs', 'reports-known.vhs.manifest.json',
    ];
    for (const name of notMedia) expect(records.get(name), name).toMatchObject({ error: { code: 'not-comparable' } });
    expect(result.stderr).toContain(`vigie: ${19 + notMedia.length} inputs, 10 matched, 9 unmatched, ${notMedia.length} errors`);
  });

  it('mirrored and rotated copies match only with --dihedral, which names the variant', async () => {
    const transformed = join(samples, 'transformed');
    const result = await runVigie(['match', transformed, '--against', pdqSet, '--dihedral', '-f', 'jsonl', '-j', '2']);
    expect(result.code).toBe(0);
    const records = byName(result.stdout);
    expect(best(records.get('gradient-mirror.png'))).toMatchObject({ variant: 'flipy', distance: 4 });
    expect(best(records.get('shapes-mirror.png'))).toMatchObject({ variant: 'flipy', distance: 2 });
    expect(best(records.get('text-mirror.png'))).toMatchObject({ variant: 'flipy', distance: 18 });
    expect(best(records.get('shapes-rot90.png'))).toMatchObject({ variant: 'rot90', distance: 12 });
    expect(best(records.get('text-rot90.png'))).toMatchObject({ variant: 'rot90', distance: 0 });
    expect(best(records.get('shapes-q60.jpg'))).toMatchObject({ variant: 'orig', distance: 2 });
  });

  it('with blockhash as well, every 5 % crop and resize matches; category comes with its provenance', async () => {
    const names = ['gradient-crop5.png', 'shapes-crop5.png', 'text-crop5.png', 'text-resized.png'];
    const result = await runVigie([
      'match',
      ...names.map((name) => join(samples, 'transformed', name)),
      '--against', pdqSet, blockhashSet, '-f', 'jsonl',
    ]);
    expect(result.code).toBe(0);
    const records = byName(result.stdout);
    const signals = (name: string) => records.get(name)?.matches.map((match) => [match.signal, match.distance]);
    expect(signals('gradient-crop5.png')).toEqual([['blockhash', 6], ['pdq', 24]]);
    expect(signals('shapes-crop5.png')).toEqual([['blockhash', 9], ['pdq', 28]]);
    expect(signals('text-crop5.png')).toEqual([['blockhash', 0]]);
    expect(records.get('text-resized.png')?.category).toMatchObject({
      scheme: 'vics-us',
      value: '3',
      set: 'originals-blockhash',
      distance: 1,
      text: expect.stringMatching(/^vics-us category 3.*, from set originals-blockhash, distance 1$/),
    });
    const loose = await runVigie(['match', join(samples, 'transformed', 'text-crop5.png'), '--against', pdqSet, '-t', 'pdq=48', '-f', 'jsonl']);
    expect(best(jsonLines<MatchRecord>(loose.stdout)[0])).toMatchObject({ distance: 48 });
  });

  it('--hashes takes any hash list: one record per line, a skipped line is an error record', async () => {
    const queries = ['shapes-q60.jpg', 'tiles.png'].map((name) => join(samples, name.startsWith('tiles') ? '' : 'transformed', name));
    const hashes = await Promise.all(queries.map((path) => hashFile(path, { algorithms: ['pdq'] })));
    const list = join(dir, 'queries.csv');
    writeFileSync(
      list,
      'signal_type,signal_str,collab,category,tags\n' +
        hashes.map((record) => `pdq,${'hashes' in record ? record.hashes.pdq : ''},,,`).join('\n') +
        '\npdq,not-a-hash,,,\n',
    );
    const result = await runVigie(['match', '--hashes', list, '--against', pdqSet, '-f', 'jsonl']);
    expect(result.code).toBe(3);
    const records = jsonLines<MatchOutput>(result.stdout);
    expect(records.map((record) => record.path)).toEqual(['queries.csv:2', 'queries.csv:3', 'queries.csv:4']);
    expect(best(records[0] as MatchRecord)).toMatchObject({ distance: 2, set: 'originals-pdq' });
    expect((records[1] as MatchRecord).matches).toEqual([]);
    expect(records[2]).toMatchObject({ error: { code: 'bad-list-line' } });
  });

  it('--only-matched, --only-unmatched, --fail-on-match, csv', async () => {
    const inputs = [join(samples, 'shapes.png'), join(samples, 'tiles.png')];
    const matched = await runVigie(['match', ...inputs, '--against', pdqSet, '--only-matched', '--fail-on-match', '-f', 'jsonl']);
    expect(matched.code).toBe(1);
    expect(jsonLines<MatchRecord>(matched.stdout).map((r) => r.path)).toEqual([inputs[0]]);
    const unmatched = await runVigie(['match', ...inputs, '--against', pdqSet, '--only-unmatched', '--fail-on-match', '-f', 'csv']);
    expect(unmatched.code).toBe(1);
    const lines = unmatched.stdout.trim().split('\n');
    expect(lines[0]).toBe('path,matches,best set,signal,distance,variant,category,note');
    expect(lines.slice(1)).toEqual([`${inputs[1]},0,,,,,,`]);
    const none = await runVigie(['match', inputs[1], '--against', pdqSet, '--fail-on-match', '-f', 'jsonl']);
    expect(none.code).toBe(0);
    expect(none.stderr).toContain('1 inputs, 0 matched, 1 unmatched, 0 errors');
  });
});

describe('vigie match: bad input', () => {
  it('a query hash with invalid hex gives an error record and exit 3; the batch goes on', async () => {
    const good = await hashFile(join(samples, 'shapes.png'), { algorithms: ['pdq'] });
    const hashes = join(dir, 'hashes.jsonl');
    writeFileSync(
      hashes,
      [
        JSON.stringify({ path: 'bad.jpg', media: 'image', hashes: { pdq: `${'z'.repeat(64)}` } }),
        'not json',
        JSON.stringify(good),
      ].join('\n'),
    );
    const result = await runVigie(['match', '--hashes', hashes, '--against', pdqSet, '-f', 'jsonl']);
    expect(result.code).toBe(3);
    const records = jsonLines<MatchOutput>(result.stdout);
    expect(records[0]).toMatchObject({ path: 'bad.jpg', error: { code: 'bad-hash' } });
    expect(records[1]).toMatchObject({ path: `${hashes}:2`, error: { code: 'bad-record' } });
    expect(records[2]).toMatchObject({ path: good.path, matches: [{ distance: 0 }] });
    expect(result.stderr).toContain('3 inputs, 1 matched, 0 unmatched, 2 errors');
  });

  it('a set of the wrong signal type for the input is refused with exit 3 before any hashing', async () => {
    const md5Set = join(dir, 'md5.vhs');
    await writeHashSet(md5Set, [{ hash: 'a'.repeat(32), signal: 'md5' }], { name: 'md5' });
    const result = await runVigie(['match', samples, '--against', md5Set, '-a', 'pdq', '-f', 'jsonl']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('the sets hold md5 hashes, the inputs would carry only pdq');
    expect(result.stdout).toBe('');
  });

  it('an empty set is refused with exit 3', async () => {
    const empty = join(dir, 'empty.vhs');
    await writeHashSet(empty, [], { name: 'empty' });
    const result = await runVigie(['match', samples, '--against', empty]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/set "empty" .* holds no hashes/);
  });

  it('a corrupted index file is detected, rebuilt and reported, and matching is unaffected', async () => {
    const input = join(samples, 'shapes.png');
    const pdqSet = join(dir, 'fresh.vhs');
    const record = await hashFile(input, { algorithms: ['pdq'] });
    // Enough hashes for a multi-index-hashing index (a tiny set is scanned and its index file has no body).
    const others = Array.from({ length: 1500 }, (_, i) => createHash('sha256').update(String(i)).digest('hex'));
    const own = 'hashes' in record ? (record.hashes.pdq as string) : '';
    await writeHashSet(pdqSet, [own, ...others].map((hash) => ({ hash, signal: 'pdq' as const })), { name: 'fresh' });
    const first = await runVigie(['match', input, '--against', pdqSet, '-f', 'jsonl']);
    expect(first.stderr).toMatch(/indexing set "fresh" \(1,501 hashes\)/);
    const { contentSha256 } = await loadHashSet(pdqSet);
    const indexPath = join(cache, 'vigie', 'indexes', `${contentSha256}.mih`);
    expect(existsSync(`${pdqSet}.mih`)).toBe(false);
    expect(statSync(indexPath).mode & 0o777).toBe(0o600);
    const again = await runVigie(['match', input, '--against', pdqSet, '-f', 'jsonl']);
    expect(again.stderr).not.toMatch(/index/);
    const index = readFileSync(indexPath);
    index[index.length - 1] ^= 0xff;
    writeFileSync(indexPath, index);
    const repaired = await runVigie(['match', input, '--against', pdqSet, '-f', 'jsonl']);
    expect(repaired.code).toBe(0);
    expect(repaired.stderr).toContain(`vigie: index ${indexPath} is corrupt (checksum): rebuilding it`);
    expect(timeless(repaired.stdout)).toBe(timeless(first.stdout));
    const after = await runVigie(['match', input, '--against', pdqSet, '-f', 'jsonl']);
    expect(after.stderr).not.toMatch(/index/);
    writeFileSync(indexPath, index.subarray(0, 20));
    const truncated = await runVigie(['match', input, '--against', pdqSet, '-f', 'jsonl']);
    expect(truncated.stderr).toContain(`vigie: index ${indexPath} is truncated: rebuilding it`);
    expect(timeless(truncated.stdout)).toBe(timeless(first.stdout));
  });
});

const pdqDir = sharedPath('reference/pdq');

describe.skipIf(!pdqDir)('vigie match against a set of the PDQ reference hashes', () => {
  it('matches every reference image hashed by vigie to its own entry (distance 0 for "exact" rows, else <= 10)', async () => {
    const root = pdqDir as string;
    const expected = readCsv(join(root, 'expected.csv'));
    const classes = new Map(readCsvObjects(join(root, 'manifest.csv')).map((row) => [row.filename, row.comparison_class]));
    const set = join(dir, 'reference.vhs');
    await writeHashSet(
      set,
      expected.map(([hash, quality, file]) => ({ hash, signal: 'pdq', quality: Number(quality), fileName: file })),
      { name: 'pdq-reference' },
    );
    const result = await runVigie(['match', join(root, 'images'), '--against', set, '--min-quality', '0', '-f', 'jsonl', '-j', '2']);
    expect(result.code).toBe(0);
    const records = new Map(jsonLines<MatchRecord>(result.stdout).map((record) => [record.path.slice(root.length + 1), record]));
    for (const [hash, , file] of expected) {
      const own = records.get(file)?.matches.find((match) => match.entry === hash);
      expect(own, `${file} matches its reference hash`).toBeDefined();
      expect(own!.distance, file).toBeLessThanOrEqual(classes.get(file) === 'exact' ? 0 : 10);
    }
  });
});

const vpdqDir = sharedPath('reference/vpdq');

describe.skipIf(!vpdqDir)('vigie match on videos (vPDQ reference files)', () => {
  it('matches a video to the set videos holding >= 80 % of its frames, with both percentages', async () => {
    const expected = join(vpdqDir as string, 'expected');
    const set = join(dir, 'videos.vhs');
    const imported = await runVigie([
      'hashset', 'import', '--list-format', 'vpdq', '-o', set, '-f', 'jsonl',
      ...['chair-orig-22-sd-bar', 'chair-22-with-large-logo-bar', 'doorknob-hd-no-bar'].map((name) => join(expected, `${name}.txt`)),
    ]);
    expect(imported.code).toBe(0);
    const frames = parseVpdq(readFileSync(join(expected, 'chair-19-sd-bar.txt'), 'utf8'));
    const hashes = join(dir, 'video.jsonl');
    writeFileSync(hashes, `${JSON.stringify({ path: 'chair-19-sd-bar.mp4', media: 'video', hashes: {}, frames })}\n`);
    const result = await runVigie(['match', '--hashes', hashes, '--against', set, '-f', 'jsonl']);
    expect(result.code).toBe(0);
    const [record] = jsonLines<MatchRecord>(result.stdout);
    // expected-match-pairs.csv: ptx 100.00 % of the query's frames, 85.35 % of chair-orig-22's; the logo copy 10.5 %.
    expect(record.matches).toHaveLength(1);
    expect(record.matches[0]).toMatchObject({ signal: 'vpdq', entry: expect.stringContaining('chair-orig-22-sd-bar'), queryPercent: 100 });
    expect(record.matches[0].targetPercent).toBeCloseTo(85.35, 1);
  });
});
