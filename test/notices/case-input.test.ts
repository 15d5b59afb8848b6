import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VigieError } from '../../src/core/errors.js';
import { CaseInputError, loadCaseFile, loadCaseFromFiles, prepareNotices } from '../../src/notices/index.js';
import { runVigie } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/shared.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigie-case-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const SAMPLES = join(REPO_ROOT, 'samples', 'notices');
const GOOD_HEAD = `caseRef: T-1
notifier: { organisation: Hotline, organisationDomain: hotline.example, contactEmail: report@hotline.example, country: FR, analystRef: a-1 }
category: csam
reasoning: test
`;

async function caseFile(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

/** Runs `vigie notice route <case> -o <out>`: a refused input must exit 3, say why, and write nothing. */
async function refusedByCli(path: string) {
  const out = join(dir, `out-${Math.random().toString(36).slice(2)}.jsonl`);
  const result = await runVigie(['notice', 'route', path, '-o', out]);
  expect(result.code).toBe(3);
  expect(existsSync(out)).toBe(false);
  expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  return result.stderr;
}

describe('case input: hostile files are refused with exit 3, a clear message, nothing written', () => {
  it('a file that is not YAML', async () => {
    const path = await caseFile('not-yaml.yaml', 'caseRef: [unclosed\n  - : :\n');
    await expect(loadCaseFile(path)).rejects.toThrow(/is not valid YAML/);
    expect(await refusedByCli(path)).toMatch(/not-yaml\.yaml is not valid YAML/);
  });

  it('a binary file (an image given as a case)', async () => {
    const stderr = await refusedByCli(join(REPO_ROOT, 'samples', 'shapes.png'));
    expect(stderr).toMatch(/shapes\.png (is not valid YAML|is not a case file)/);
    expect(stderr.length).toBeLessThan(1000);
  });

  it('a YAML alias bomb ("billion laughs")', async () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const path = await caseFile('bomb.yaml', `${levels.join('\n')}\n`);
    const started = Date.now();
    await expect(loadCaseFile(path)).rejects.toThrow(/too many YAML aliases/);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await refusedByCli(path)).toMatch(/alias bomb/);
  });

  it('a 10 MB description, on one line or as a block of lines', async () => {
    const target = 'targets:\n  - { url: "https://a.example/", observedAt: "2026-11-30T10:00:00Z" }\n';
    const oneLine = await caseFile('huge.yaml', `${GOOD_HEAD}description: "${'x'.repeat(10 * 1024 * 1024)}"\n${target}`);
    const stderr = await refusedByCli(oneLine);
    expect(stderr).toMatch(/line 5: longer than 65536 characters/);
    expect(stderr.length).toBeLessThan(1000); // the value is not echoed back
    const block = await caseFile('huge-block.yaml', `${GOOD_HEAD}description: |\n${`  ${'y'.repeat(99)}\n`.repeat(102_400)}${target}`);
    const stderr2 = await refusedByCli(block);
    expect(stderr2).toMatch(/description: must NOT have more than 10000 characters/);
    expect(stderr2.length).toBeLessThan(1000);
  });

  it('a URL with CR/LF (header injection) and a host "../../etc"', async () => {
    const path = await caseFile(
      'inject.yaml',
      `${GOOD_HEAD}targets:\n  - { url: "https://a.example/x\\r\\nBcc: victim@example.test", observedAt: "2026-11-30T10:00:00Z" }\n  - { url: "https://../../etc/passwd", observedAt: "2026-11-30T10:00:00Z" }\n`,
    );
    const error = await loadCaseFile(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CaseInputError);
    const paths = (error as CaseInputError).issues.map((i) => `${i.path}: ${i.message}`);
    expect(paths).toEqual([
      'targets[0].url: contains characters not allowed here (control characters, spaces, or an invalid form)',
      'targets[1].url: host ".." is not a valid host name',
    ]);
    await refusedByCli(path);
  });

  it('an abuse contact that is not an e-mail address (in the case file or from vigie geo)', async () => {
    const geo = join(dir, 'bad-geo.jsonl');
    await writeFile(
      geo,
      `${JSON.stringify({ target: 'https://a.example/', kind: 'url', host: 'a.example', addresses: [], abuseContacts: [{ email: 'abuse@a.example\r\nBcc: x@y.example', party: 'host', basis: 'role', provenance: ['rdap:x'] }], disagreements: [], lookups: [], credits: [] })}\n`,
    );
    const path = await caseFile(
      'bad-contact.yaml',
      `${GOOD_HEAD}sources: { geo: ${JSON.stringify(geo)} }\ntargets:\n  - { url: "https://a.example/", observedAt: "2026-11-30T10:00:00Z" }\n  - { url: "https://b.example/", observedAt: "2026-11-30T10:00:00Z", recipient: { email: "Bob <bob@b.example>" } }\n`,
    );
    const stderr = await refusedByCli(path);
    expect(stderr).toContain('targets[1].recipient.email: must match format "email"');
    // Schema problems come first; once the file is well-formed the joined records are checked.
    const fixed = await caseFile('bad-contact2.yaml', `${GOOD_HEAD}sources: { geo: ${JSON.stringify(geo)} }\ntargets:\n  - { url: "https://a.example/", observedAt: "2026-11-30T10:00:00Z" }\n`);
    expect(await refusedByCli(fixed)).toContain(`${geo}:1 abuseContacts[0].email: is not an e-mail address`);
  });

  it('a case with 50 errors lists all 50, each with its path', async () => {
    const targets = Array.from({ length: 50 }, (_, i) => `  - { url: "ftp://t${i}.example/", observedAt: "2026-11-30T10:00:00Z" }`);
    const path = await caseFile('fifty.yaml', `${GOOD_HEAD}targets:\n${targets.join('\n')}\n`);
    const error = (await loadCaseFile(path).catch((e: unknown) => e)) as CaseInputError;
    expect(error.issues).toHaveLength(50);
    const stderr = await refusedByCli(path);
    expect(stderr).toContain('50 problems');
    for (let i = 0; i < 50; i++) expect(stderr).toContain(`targets[${i}].url: scheme ftp: is not http or https`);
  });

  it('schema problems of different kinds are all listed at once', async () => {
    const path = await caseFile(
      'many.yaml',
      `caseRef: "bad ref!"\ncolour: blue\nnotifier: { contactEmail: nope, country: france }\ncategory: unknown-thing\ntargets:\n  - { url: "https://a.example/", observedAt: yesterday, port: 70000, items: [ { mediaType: photo } ] }\n`,
    );
    const error = (await loadCaseFile(path).catch((e: unknown) => e)) as CaseInputError;
    const paths = error.issues.map((i) => i.path).sort();
    expect(paths).toEqual(
      ['caseRef', 'category', 'colour', 'notifier.contactEmail', 'notifier.country', 'targets[0].items[0].mediaType', 'targets[0].observedAt', 'targets[0].port'].sort(),
    );
  });

  it('the JSON form of a case file is read the same way', async () => {
    const path = await caseFile('case.json', JSON.stringify({ caseRef: 'J-1', category: 'csam', targets: [{ url: 'https://a.example/', observedAt: '2026-11-30T11:00:00+01:00' }] }));
    const input = await loadCaseFile(path);
    expect(input.targets[0]).toMatchObject({ url: 'https://a.example/', observedAt: '2026-11-30T10:00:00.000Z' });
    await expect(loadCaseFile(await caseFile('broken.json', '{"caseRef": '))).rejects.toThrow(/is not valid JSON/);
  });

  it('random bytes as a case file never crash: either a case or a VigieError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), async (text) => {
        const path = join(dir, 'random.yaml');
        await writeFile(path, text);
        try {
          await loadCaseFile(path);
        } catch (error) {
          expect(error).toBeInstanceOf(VigieError);
        }
      }),
      { numRuns: 150 },
    );
    expect((await readdir(dir)).some((f) => f.endsWith('.tmp'))).toBe(false);
  });
});

describe('case input: joins to vigie resolve, geo and match records', () => {
  it('takes the IP and port actually used from the last hop of the redirect chain', async () => {
    const { notices } = await prepareNotices({ casePath: join(REPO_ROOT, 'samples', 'case-example.yaml'), now: '2026-12-01T09:00:00Z' });
    const iccam = notices.find((n) => n.kind === 'iccam')!;
    expect(iccam.targets[0]).toMatchObject({
      url: 'https://cdn.bildhost.example/i/ff00.png',
      finalUrl: 'https://cdn.bildhost.example/v/ff00',
      ip: '198.51.100.21',
      port: 8443,
      ipObservedAt: '2026-11-30T14:10:00.800Z',
      observedAt: '2026-11-30T14:10:00Z',
      observedTimeZone: 'Europe/Paris',
      hostingCountry: 'NL',
      hostingCountrySource: 'geoip:dbip-country.mmdb',
      asn: 64501,
    });
  });

  it('items take hashes and hash-list matches (set, distance) from the match record, never its local path', async () => {
    const { notices } = await prepareNotices({ casePath: join(REPO_ROOT, 'samples', 'case-example.yaml'), now: '2026-12-01T09:00:00Z' });
    const host = notices.find((n) => n.reference === 'PDC-2026-000123-H1')!;
    expect(host.items[0]).toMatchObject({
      mediaType: 'image',
      hashes: { sha256: 'ec1d48d58fe93845ddf6bc68b7c0303f637af1846b1f378451c9c225d8bae2da' },
      classification: { interpol: 'baseline', ncmec: 'A1' },
      hashListMatches: [{ set: 'example-baseline', signal: 'pdq', distance: 1 }],
    });
    expect(JSON.stringify(notices)).not.toContain('shapes.png');
  });

  it('JSON Lines files alone with --category: every resolved URL is a target, match records are items', async () => {
    const input = await loadCaseFromFiles({
      files: { resolve: join(SAMPLES, 'resolve.jsonl'), geo: join(SAMPLES, 'geo.jsonl'), match: join(SAMPLES, 'match.jsonl') },
      overrides: { category: 'csam', caseRef: 'F-1' },
    });
    expect(input.targets.map((t) => t.hostingCountry)).toEqual(['FR', 'NL', 'SC', 'PA']);
    expect(input.items).toHaveLength(2);
    expect(input.category).toBe('csam');
    await expect(loadCaseFromFiles({ files: { resolve: join(SAMPLES, 'resolve.jsonl') }, overrides: { category: 'nope' } })).rejects.toThrow(
      /--category: unknown category "nope"/,
    );
  });

  it('records of the current vigie resolve (observedAt) and of vigie 0.1 (resolvedAt, string match categories) are both read', async () => {
    const record = { input: 'https://a.example/x', url: 'https://a.example/x', flags: [], hops: [] };
    const current = join(dir, 'current-resolve.jsonl');
    await writeFile(current, `${JSON.stringify({ ...record, observedAt: '2026-11-30T10:00:00Z' })}\n`);
    const old = join(dir, 'old-resolve.jsonl');
    await writeFile(old, `${JSON.stringify({ ...record, resolvedAt: '2026-11-30T10:00:00Z' })}\n`);
    for (const resolve of [current, old]) {
      const input = await loadCaseFromFiles({ files: { resolve }, overrides: { category: 'csam' } });
      expect(input.targets.map((t) => [t.url, t.observedAt])).toEqual([['https://a.example/x', '2026-11-30T10:00:00Z']]);
    }
    const match = join(dir, 'old-match.jsonl');
    const oldMatch = {
      path: 'x.png', media: 'image', hashes: { sha256: 'ab'.repeat(32) }, pdq_quality: 90,
      matches: [{ set: 's', entry: 'ab'.repeat(32), signal: 'sha256', distance: 0, category: '1', scheme: 'vics-us', source: 'l' }],
    };
    await writeFile(match, `${JSON.stringify(oldMatch)}\n`);
    const input = await loadCaseFromFiles({ files: { resolve: current, match }, overrides: { category: 'csam' } });
    expect(input.items[0]!.hashListMatches).toEqual([{ set: 's', entry: 'ab'.repeat(32), signal: 'sha256', distance: 0, category: 'vics-us:1', source: 'l' }]);
  });

  it('a line of a JSON Lines file that is not a record is reported with file:line', async () => {
    const resolve = join(dir, 'bad-resolve.jsonl');
    await writeFile(resolve, '{"input":"x","hops":[],"resolvedAt":"2026-11-30T10:00:00Z","url":"https://a.example/"}\nnot json\n{"hello":1}\n');
    const error = (await loadCaseFromFiles({ files: { resolve } }).catch((e: unknown) => e)) as CaseInputError;
    expect(error.issues).toEqual([
      { path: `${resolve}:2`, message: 'not JSON (expected vigie resolve output)' },
      { path: `${resolve}:3`, message: 'not a vigie resolve record' },
    ]);
  });

  it('a geo record whose sources disagree on the country: vigie notice route drafts nothing and says who said what', async () => {
    const geo = join(dir, 'disagree.jsonl');
    await writeFile(
      geo,
      `${JSON.stringify({ target: 'https://a.example/', kind: 'url', host: 'a.example', addresses: [{ address: '192.0.2.1', family: 4, country: 'NL', countrySource: 'geoip:dbip-country.mmdb', geoip: [] }], abuseContacts: [{ email: 'abuse@a.example', party: 'host', basis: 'role', provenance: ['rdap:ripe entity A'] }], disagreements: [{ field: 'country', values: [{ value: 'NL', source: 'geoip:dbip-country.mmdb' }, { value: 'DE', source: 'rdap:ripe' }] }], lookups: [], credits: [] })}\n`,
    );
    const resolve = join(dir, 'disagree-resolve.jsonl');
    await writeFile(resolve, `${JSON.stringify({ input: 'https://a.example/', url: 'https://a.example/', flags: [], hops: [], resolvedAt: '2026-11-30T10:00:00Z' })}\n`);
    const result = await runVigie(['notice', 'route', '--resolve', resolve, '--geo', geo, '--category', 'csam', '-f', 'table']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/flag: country-disagreement\s+sources disagree on the hosting country: NL \(geoip:dbip-country\.mmdb\), DE \(rdap:ripe\)/);
    expect(result.stdout).not.toMatch(/\s(host|iccam)\s/);
  });
});
