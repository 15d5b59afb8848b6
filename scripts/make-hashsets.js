// Builds the sample hash sets in hashsets/ from the synthetic originals in samples/ (never real lists):
// `vigie hash` JSON Lines of samples/*.png → a native store with its manifest → the same entries in each list format.
// Usage: npm run build && node scripts/make-hashsets.js
import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'hashsets');
const { buildManifest, entriesOf, formatEntries, importHashSet, loadHashSet, writeManifest } = await import(
  new URL('../dist/hashsets/index.js', import.meta.url).href
);

const originals = readdirSync(join(root, 'samples'))
  .filter((name) => name.endsWith('.png'))
  .sort()
  .map((name) => `samples/${name}`);
const jsonl = execFileSync(process.execPath, [join(root, 'bin/vigie.js'), 'hash', '-f', 'jsonl', '-j', '1', ...originals], {
  cwd: root,
  encoding: 'utf8',
});
writeFileSync(join(out, 'samples.jsonl'), jsonl);

const store = join(out, 'samples.vhs');
await importHashSet([join(out, 'samples.jsonl')], store, { name: 'vigie-samples', source: 'vigie-samples', strict: true });
await writeManifest(store, await buildManifest(store, { sequence: 1, name: 'vigie-samples' }));

const entries = [...entriesOf(await loadHashSet(store))];
const lists = {
  'samples.hashdeep': ['hashdeep', entries],
  'samples-md5.txt': ['plain', entries.filter((e) => e.signal === 'md5')],
  'samples-pdq.txt': ['plain', entries.filter((e) => e.signal === 'pdq')],
  'samples-threatexchange.csv': ['threatexchange', entries],
  'samples.csv': ['csv', entries],
  'samples-vics.json': ['vics', entries],
  'samples-ncmec.xml': ['ncmec', entries],
  'samples-icse.csv': ['icse', entries],
  'samples-nsrl.txt': ['nsrl', entries],
};
for (const [name, [format, selected]] of Object.entries(lists)) {
  const skips = {};
  writeFileSync(join(out, name), [...formatEntries(selected, format, skips)].join(''));
  const left = Object.values(skips).reduce((sum, n) => sum + n, 0);
  console.log(`hashsets/${name}: ${format}${left ? ` (${left} entries the format cannot hold left out)` : ''}`);
}
console.log(`hashsets/samples.vhs: ${entries.length} entries`);
