// Makes the sample batch samples/reports.csv: 200 synthetic reports on reserved names only (RFC 2606/6761: `.example`
// and `.test`), documentation addresses (RFC 5737/3849), and the synthetic images of samples/ as the partner's media.
// It also makes samples/reports-known.vhs, a categorised copy of the sample hash set (hashsets/samples.jsonl, the
// hashes of samples/*.png) standing for a hotline's list of known content: gradient.png and shapes.png are in it as
// VICS category 1 (marked illegal), text.png as a ThreatExchange NEGATIVE_CLASS entry (marked not illegal), tiles.png
// without a category. Reports whose media is one of those (or a transformed copy, matched by PDQ) auto-qualify, are
// shown as negative, or go to review. Deterministic: the same files every run.
// Usage: npm run build && node scripts/make-reports.js
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { importHashSet, writeManifest, buildManifest } = await import(new URL('../dist/hashsets/index.js', import.meta.url).href);

const KNOWN = {
  'samples/gradient.png': { category_scheme: 'vics-us', category: '1' },
  'samples/shapes.png': { category_scheme: 'vics-us', category: '1' },
  'samples/text.png': { category_scheme: 'threatexchange', category: 'NEGATIVE_CLASS' },
  'samples/tiles.png': {},
};

// The known list as a hash-list CSV (hashsets/FORMAT.md), imported into a native store.
const records = readFileSync(join(root, 'hashsets/samples.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
const listRows = ['hash,signal,category_scheme,category,source,file_name'];
for (const record of records) {
  const known = KNOWN[record.path];
  for (const signal of ['sha256', 'pdq', 'md5']) {
    listRows.push([record.hashes[signal], signal, known.category_scheme ?? '', known.category ?? '', 'vigie-sample-list', record.path].join(','));
  }
}
const work = mkdtempSync(join(tmpdir(), 'vigie-reports-'));
try {
  const listFile = join(work, 'reports-known.csv');
  writeFileSync(listFile, `${listRows.join('\n')}\n`);
  const store = join(root, 'samples/reports-known.vhs');
  await importHashSet([listFile], store, { name: 'vigie-sample-known', source: 'vigie-sample-list', strict: true });
  await writeManifest(store, await buildManifest(store, { sequence: 1, name: 'vigie-sample-known' }));
} finally {
  rmSync(work, { recursive: true, force: true });
}

// A small deterministic generator (mulberry32), so the batch is the same on every machine.
let seed = 0x5eed14;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (list) => list[Math.floor(random() * list.length)];

const SOURCES = ['public-form', 'public-form', 'public-form', 'inhope:NL-MELDPUNT', 'inhope:DE-ECO', 'inhope:BE-CHILDFOCUS', 'platform:sample-social'];
const CLAIMED = ['', '', 'csam', 'child sexual abuse', 'hate speech', 'terrorism', 'other'];
const MEDIA = [
  'gradient.png', // known, illegal category → auto-qualified
  'shapes.png', // known, illegal category
  'transformed/gradient-q60.jpg', // near copy of a known image (PDQ)
  'transformed/shapes-resized.png',
  'text.png', // NEGATIVE_CLASS: shown as negative, never auto-qualified
  'tiles.png', // in the list without a category: needs review
  'notes.txt', // not an image: hashed (SHA-256), no perceptual match
];
const DOMAINS = Array.from({ length: 40 }, (_, i) => (i % 4 === 3 ? `host${i}.test` : `host${i}.example`));
const address = (i) => (i % 5 === 4 ? `2001:db8::${(i + 1).toString(16)}` : `${['192.0.2', '198.51.100', '203.0.113'][i % 3]}.${(i * 7) % 250 + 1}`);

const escape = (value) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
const rows = [['id', 'url', 'reported_at', 'source', 'category_claimed', 'ip', 'media', 'hashes']];
const shapesSha256 = records.find((record) => record.path === 'samples/shapes.png').hashes.sha256;
const start = Date.UTC(2026, 10, 2, 8, 0, 0);
let previousUrl = '';
for (let n = 1; n <= 200; n++) {
  const domainIndex = Math.floor(random() ** 2 * DOMAINS.length); // a few domains get most reports (repeat domains)
  const domain = DOMAINS[domainIndex];
  const host = random() < 0.5 ? `www.${domain}` : `cdn${Math.floor(random() * 3)}.${domain}`;
  let url = `https://${host}/gallery/${Math.floor(random() * 10_000)}.html`;
  if (n % 23 === 0 && previousUrl) url = previousUrl; // the same URL reported twice: one URL, two reports
  else if (n % 11 === 0) url = url.replace('https://', 'hxxps://').replace(/\./g, '[.]'); // defanged by the reporter
  previousUrl = url.replace('hxxps://', 'https://').replace(/\[\.\]/g, '.');
  const source = pick(SOURCES);
  const partner = source.startsWith('inhope:');
  const media = partner || random() < 0.3 ? pick(MEDIA) : '';
  const hashes = partner && !media && random() < 0.5 ? `sha256:${shapesSha256}` : '';
  const reportedAt = new Date(start + n * 7 * 60_000 + Math.floor(random() * 60_000)).toISOString().replace('.000Z', 'Z');
  rows.push([
    `R-2026-${String(n).padStart(4, '0')}`,
    url,
    reportedAt,
    source,
    pick(CLAIMED),
    partner || random() < 0.4 ? address(domainIndex) : '',
    media,
    hashes,
  ]);
}
writeFileSync(join(root, 'samples/reports.csv'), `${rows.map((row) => row.map(escape).join(',')).join('\n')}\n`);
console.log(`samples/reports.csv: ${rows.length - 1} reports; samples/reports-known.vhs: ${listRows.length - 1} entries`);
