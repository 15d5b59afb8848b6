import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { describeCategory } from '../../src/core/categories.js';
import type { HashSetEntry } from '../../src/core/hashset.js';
import type { SignalName } from '../../src/core/signals/index.js';
import { exportHashSet } from '../../src/hashsets/export.js';
import { FORMATS, type FormatName } from '../../src/hashsets/formats/index.js';
import { importHashSet, readList } from '../../src/hashsets/import.js';
import { entriesOf, loadHashSet } from '../../src/hashsets/store-reader.js';

const dir = mkdtempSync(join(tmpdir(), 'vigie-roundtrip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const WIDTH: Record<string, number> = { md5: 32, sha1: 40, sha256: 64, pdq: 64, blockhash: 64, vpdq: 64 };
const hexDigit = fc.constantFrom(...'0123456789abcdefABCDEF');
/** Hex of the signal's length in mixed case: import must lowercase it. */
const hashOf = (signal: string) => fc.string({ unit: hexDigit, minLength: WIDTH[signal], maxLength: WIDTH[signal] });
/** Printable UTF-8 with commas, quotes and semicolons (quoted CSV fields), without line breaks or edge spaces. */
const awkwardText = fc
  .string({ unit: fc.oneof(fc.constantFrom('é', 'ß', '漢', '😀', ',', '"', ';', ' ', "'", '#', '=', '@', '+'), fc.constantFrom(...'abcXYZ019._-/')), minLength: 1, maxLength: 12 })
  .map((s) => s.trim())
  .filter((s) => s !== '' && !s.startsWith('#'));
const token = fc.string({ unit: fc.constantFrom(...'abcdefxyz0123-_é'), minLength: 1, maxLength: 8 });
const tags = fc.uniqueArray(token, { maxLength: 3 });
const isoDate = fc
  .integer({ min: 946684800, max: 1893456000 })
  .map((seconds) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z'));
const size = fc.integer({ min: 0, max: 2 ** 40 });

interface Layout {
  crlf: boolean;
  bom: boolean;
  blankLines: boolean;
  trailingSpaces: boolean;
}
const layout: fc.Arbitrary<Layout> = fc.record({ crlf: fc.boolean(), bom: fc.boolean(), blankLines: fc.boolean(), trailingSpaces: fc.boolean() });

/** The writer's text, made awkward the way received lists are: CRLF, BOM, blank lines, trailing spaces, comments. */
function awkward(text: string, how: Layout, comment?: string): string {
  let lines = text.split('\n');
  if (how.trailingSpaces) lines = lines.map((line) => (line === '' ? line : `${line}  `));
  if (how.blankLines) lines = lines.flatMap((line, i) => (i % 2 === 1 ? ['', line] : [line]));
  if (comment) lines = [lines[0], ...(lines.length > 1 ? [comment] : []), ...lines.slice(1)];
  const joined = lines.join(how.crlf ? '\r\n' : '\n');
  return how.bom ? `\ufeff${joined}` : joined;
}

let fileNumber = 0;
async function roundTrip(format: FormatName, entries: HashSetEntry[], how: Layout, options: { comment?: string; type?: SignalName; name?: string } = {}) {
  const skips = {};
  const text = [...(FORMATS[format].write as NonNullable<(typeof FORMATS)[FormatName]['write']>)(entries, skips)].join('');
  expect(skips).toEqual({});
  const path = join(dir, options.name ?? `list-${fileNumber++}.${format}`);
  writeFileSync(path, awkward(text, how, options.comment));
  const { context, entries: read } = await readList(path, { format, type: options.type });
  const imported: HashSetEntry[] = [];
  for await (const entry of read) imported.push(entry);
  expect(context.skipped).toEqual([]);
  return imported.map(({ provenance: _provenance, ...rest }) => rest);
}

const lower = (entry: HashSetEntry): HashSetEntry => ({ ...entry, hash: entry.hash.toLowerCase() });

/** Lists of generated entries, written in `format` with an awkward layout, import back to the same entries. */
async function assertRoundTrips(format: FormatName, entry: fc.Arbitrary<HashSetEntry>, options: { comment?: string } = {}) {
  await fc.assert(
    fc.asyncProperty(fc.array(entry, { minLength: 1, maxLength: 15 }), layout, async (entries, how) => {
      expect(await roundTrip(format, entries, how, options)).toEqual(entries.map(lower));
    }),
    RUNS,
  );
}
const clean = <T extends object>(object: T): T =>
  Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0))) as T;
const RUNS = { numRuns: 25 };
const TX_LABELS: Record<string, string> = { NEGATIVE_CLASS: 'negative', INVESTIGATION_SEED: 'investigation seed', POSITIVE_CLASS: 'positive' };

describe('every format imports what it exports (awkward layouts included)', () => {
  it('plain', async () => {
    const plainList = fc
      .constantFrom<SignalName>('md5', 'sha1', 'sha256', 'pdq')
      .chain((signal) =>
        fc.array(
          fc.record({ hash: hashOf(signal), signal: fc.constant(signal), fileName: fc.option(awkwardText, { nil: undefined }) }),
          { minLength: 1, maxLength: 20 },
        ),
      );
    await fc.assert(
      fc.asyncProperty(plainList, layout, async (rows, how) => {
        const entries = rows.map((row) => clean(row) as HashSetEntry);
        const got = await roundTrip('plain', entries, how, { comment: '# a comment', type: rows[0].signal });
        expect(got).toEqual(entries.map(lower));
      }),
      RUNS,
    );
  });

  const hashdeepEntry = fc.record({ md5: hashOf('md5'), sha256: hashOf('sha256'), name: awkwardText, size });
  it('hashdeep', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hashdeepEntry, { minLength: 1, maxLength: 15 }), layout, async (files, how) => {
        const entries = files.flatMap((file, i) =>
          (['md5', 'sha256'] as const).map((signal) => ({
            hash: file[signal],
            signal,
            fileName: `${file.name}${i}`,
            fileSize: file.size,
            provenance: { file: 'x', line: i, format: 'test' },
          })),
        );
        const got = await roundTrip('hashdeep', entries, how, { comment: '## $ hashdeep -r .' });
        expect(got).toEqual(entries.map(({ provenance: _p, ...rest }) => lower(rest)));
      }),
      RUNS,
    );
  });

  const fullEntry = fc.record(
    {
      signal: fc.constantFrom<SignalName>('md5', 'sha1', 'sha256', 'pdq', 'blockhash'),
      category: fc.record({ scheme: fc.constantFrom('custom', 'vics-uk', 'ncmec'), value: token }),
      source: awkwardText,
      firstSeen: isoDate,
      lastSeen: isoDate,
      tags,
      quality: fc.integer({ min: 0, max: 100 }),
      fileName: awkwardText,
      fileSize: size,
    },
    { requiredKeys: ['signal'] },
  );
  const withHash = (entry: Omit<HashSetEntry, 'hash'>) => hashOf(entry.signal).map((hash) => clean({ ...entry, hash }) as HashSetEntry);
  for (const format of ['csv', 'jsonl'] as const) {
    it(format, async () => {
      await assertRoundTrips(format, fullEntry.chain(withHash), { comment: '# comment line' });
    });
  }

  it('threatexchange', async () => {
    const txEntry = fc
      .record({
        signal: fc.constantFrom<SignalName>('md5', 'sha256', 'pdq'),
        source: fc.option(awkwardText, { nil: undefined }),
        category: fc.option(fc.constantFrom('NEGATIVE_CLASS', 'INVESTIGATION_SEED', 'POSITIVE_CLASS'), { nil: undefined }),
        tags,
      })
      .chain((e) =>
        hashOf(e.signal).map(
          (hash) =>
            clean({ ...e, hash, category: e.category ? describeCategory({ scheme: 'threatexchange', value: e.category, label: TX_LABELS[e.category] }) : undefined }) as HashSetEntry,
        ),
      );
    await assertRoundTrips('threatexchange', txEntry);
  });

  it('nsrl', async () => {
    const nsrlEntry = fc
      .record({ signal: fc.constantFrom<SignalName>('md5', 'sha1'), fileName: awkwardText, fileSize: size, product: fc.integer({ min: 1, max: 99999 }) })
      .chain((e) => hashOf(e.signal).map((hash) => ({ hash, signal: e.signal, fileName: e.fileName, fileSize: e.fileSize, tags: [`nsrl-product:${e.product}`], source: 'nsrl' })));
    await assertRoundTrips('nsrl', nsrlEntry);
  });

  it('icse', async () => {
    const icseEntry = fc
      .record({ signal: fc.constantFrom<SignalName>('md5', 'sha1'), baseline: fc.boolean(), distributed: fc.boolean(), id: fc.integer({ min: 1, max: 1e9 }), series: fc.option(token, { nil: undefined }) })
      .chain((e) =>
        hashOf(e.signal).map((hash) =>
          clean({
            hash,
            signal: e.signal,
            source: 'icse',
            tags: [...(e.distributed ? ['distributed'] : []), `icse-id:${e.id}`, ...(e.series ? [`series:${e.series}`] : [])],
            category: e.baseline ? describeCategory({ scheme: 'inhope-baseline', value: 'baseline' }) : undefined,
          }) as HashSetEntry,
        ),
      );
    await assertRoundTrips('icse', icseEntry);
  });

  it('ncmec', async () => {
    const ncmecEntry = fc
      .record({ signal: fc.constantFrom<SignalName>('md5', 'sha1', 'pdq'), classification: fc.constantFrom('A1', 'A2', 'B1', 'B2'), lastSeen: isoDate, id: fc.integer({ min: 1, max: 1e9 }), member: awkwardText })
      .chain((e) =>
        hashOf(e.signal).map((hash) => ({
          hash,
          signal: e.signal,
          source: 'ncmec',
          lastSeen: e.lastSeen,
          category: { scheme: 'ncmec', value: e.classification },
          tags: [`ncmec-id:${e.id}`, `ncmec-member:${e.member}`, 'media:image'],
        })),
      );
    await assertRoundTrips('ncmec', ncmecEntry);
  });

  it('vics', async () => {
    const labels = ['Non-Pertinent', 'Child Abuse Material (CAM)', 'Child Exploitive (Non-CAM) Age Difficult', 'CGI/Animation - Child Exploitive', 'Comparison Images'];
    const vicsEntry = fc
      .record({ signal: fc.constantFrom<SignalName>('md5', 'sha1', 'sha256'), category: fc.integer({ min: 0, max: 4 }), fileSize: size, lastSeen: isoDate, fileName: awkwardText, tags, series: fc.option(token, { nil: undefined }) })
      .chain((e) =>
        hashOf(e.signal).map(
          (hash) =>
            clean({
              hash,
              signal: e.signal,
              category: describeCategory({ scheme: 'vics-us', value: String(e.category), label: labels[e.category] }),
              tags: [...e.tags, ...(e.series ? [`series:${e.series}`] : [])],
              source: 'project-vic',
              lastSeen: e.lastSeen,
              fileSize: e.fileSize,
              fileName: e.fileName,
            }) as HashSetEntry,
        ),
      );
    await assertRoundTrips('vics', vicsEntry);
  });

  it('vpdq (one video per file, named after it)', async () => {
    const frame = fc.record({ quality: fc.integer({ min: 0, max: 100 }), hash: hashOf('vpdq') });
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 30 }), layout, async (frames, how) => {
        const id = `clip-${fileNumber}`;
        const entries: HashSetEntry[] = frames.map((f, i) => ({
          hash: f.hash,
          signal: 'vpdq',
          quality: f.quality,
          video: { id, frame: i, timestamp: Number((i / 30).toFixed(3)) },
        }));
        expect(await roundTrip('vpdq', entries, how, { name: `${id}.txt`, comment: '# frames' })).toEqual(entries.map(lower));
      }),
      RUNS,
    );
  });
});

describe('export of a native store', () => {
  it('imports back to the same entries in every export format', async () => {
    const source = join(dir, 'source.jsonl');
    const entries: HashSetEntry[] = [
      { hash: 'a'.repeat(32), signal: 'md5', fileName: 'é, "x".jpg', fileSize: 10, tags: ['t'], category: { scheme: 'custom', value: 'x' } },
      { hash: 'b'.repeat(32), signal: 'md5', fileName: 'two.jpg', fileSize: 11 },
    ];
    writeFileSync(source, entries.map((e) => JSON.stringify(e)).join('\n'));
    const store = join(dir, 'source.vhs');
    await importHashSet([source], store);
    const strip = (list: HashSetEntry[]) => list.map(({ provenance: _p, ...rest }) => rest);
    for (const format of ['plain', 'hashdeep', 'csv', 'jsonl', 'threatexchange'] as const) {
      const exported = join(dir, `exported.${format}`);
      await exportHashSet(store, format, exported);
      const reimported = join(dir, `reimported-${format}.vhs`);
      await importHashSet([exported], reimported, { format });
      const got = strip([...entriesOf(await loadHashSet(reimported))]);
      const kept: Record<string, (e: HashSetEntry) => HashSetEntry> = {
        plain: ({ hash, signal, fileName }) => ({ hash, signal, fileName }),
        hashdeep: ({ hash, signal, fileName, fileSize }) => ({ hash, signal, fileName, fileSize }),
        threatexchange: ({ hash, signal, tags }) => clean({ hash, signal, tags }),
        csv: (e) => e,
        jsonl: (e) => e,
      };
      expect(got, format).toEqual(entries.map(kept[format]));
    }
  });
});
