import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../src/hashsets/detect.js';
import { readList } from '../../src/hashsets/import.js';
import { loadHashSet } from '../../src/hashsets/store-reader.js';
import { verifyHashSet } from '../../src/hashsets/verify.js';
import { REPO_ROOT } from '../helpers/shared.js';

const dir = join(REPO_ROOT, 'hashsets');

describe('sample hash sets in hashsets/', () => {
  it('the native store is sound against its manifest and holds the samples/ originals', async () => {
    const report = await verifyHashSet(join(dir, 'samples.vhs'));
    expect(report.problems).toEqual([]);
    const set = await loadHashSet(join(dir, 'samples.vhs'));
    expect(set.name).toBe('vigie-samples');
    expect(set.arrays.pdq?.count).toBe(4);
    expect(set.entry('md5', 0)).toMatchObject({ fileName: 'samples/gradient.png', source: 'vigie-samples' });
  });

  it.each([
    ['samples.hashdeep', 'hashdeep', 12],
    ['samples-md5.txt', 'plain', 4],
    ['samples-threatexchange.csv', 'threatexchange', 12],
    ['samples.csv', 'csv', 20],
    ['samples-vics.json', 'vics', 12],
    ['samples-ncmec.xml', 'ncmec', 16],
    ['samples-icse.csv', 'icse', 8],
    ['samples-nsrl.txt', 'nsrl', 8],
    ['samples.jsonl', 'jsonl', 20],
  ])('%s is detected as %s and imports %i entries without a skipped line', async (name, format, count) => {
    const path = join(dir, name);
    expect(await detectFormat(path)).toBe(format);
    const { context, entries } = await readList(path, {});
    let imported = 0;
    for await (const _entry of entries) imported++;
    expect(context.skippedCount).toBe(0);
    expect(imported).toBe(count);
  });
});
