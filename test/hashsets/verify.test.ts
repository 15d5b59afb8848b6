import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HashSetEntry } from '../../src/core/hashset.js';
import { buildManifest, manifestPathOf, writeManifest } from '../../src/hashsets/manifest.js';
import { generateKeys } from '../../src/core/signing.js';
import { signaturePathOf, signFile } from '../../src/hashsets/signing.js';
import { writeHashSet } from '../../src/hashsets/store-writer.js';
import { formatProblem, verifyHashSet } from '../../src/hashsets/verify.js';

const dir = mkdtempSync(join(tmpdir(), 'vigie-verify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hashes = ['0', '1', '2', '3', '4'].map((d) => d.repeat(32));
let keys: { privateKey: string; publicKey: string };
let otherKeys: { privateKey: string; publicKey: string };

/** A fresh copy of a signed list: a plain MD5 list, or a native store. */
async function signedList(name: string, kind: 'plain' | 'native', sequence = 7): Promise<string> {
  const path = join(dir, name);
  if (kind === 'plain') writeFileSync(path, `# test list\n${hashes.join('\n')}\n`);
  else {
    const entries: HashSetEntry[] = hashes.map((hash, i) => ({ hash, signal: 'md5', provenance: { file: 'x.txt', line: i + 1, format: 'plain' } }));
    await writeHashSet(path, entries, { name });
  }
  await writeManifest(path, await buildManifest(path, { sequence, type: kind === 'plain' ? 'md5' : undefined }));
  await signFile(manifestPathOf(path), keys.privateKey);
  return path;
}

const problems = async (path: string, options = {}) => (await verifyHashSet(path, { publicKey: keys.publicKey, ...options })).problems.map(formatProblem);

beforeAll(async () => {
  keys = await generateKeys(join(dir, 'ci'));
  otherKeys = await generateKeys(join(dir, 'other'));
});

describe('hashset verify', () => {
  it('keygen writes the private key with mode 0600 and refuses to overwrite it', async () => {
    expect(statSync(keys.privateKey).mode & 0o777).toBe(0o600);
    expect(readFileSync(keys.privateKey, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    await expect(generateKeys(join(dir, 'ci'))).rejects.toThrow(/refusing to overwrite/);
  });

  it('a signed list and a signed store are sound', async () => {
    for (const kind of ['plain', 'native'] as const) {
      const report = await verifyHashSet(await signedList(`sound-${kind}`, kind), { publicKey: keys.publicKey, expectMinCount: 5 });
      expect(report.problems).toEqual([]);
      expect(report).toMatchObject({ sound: true, signature: 'valid', counts: { md5: 5 } });
    }
  });

  it('detects one flipped byte in a store', async () => {
    const path = await signedList('flipped.vhs', 'native');
    const bytes = readFileSync(path);
    bytes[40] ^= 0x01;
    writeFileSync(path, bytes);
    const found = await problems(path);
    expect(found).toContain('flipped.vhs: SHA-256 of the file differs from the manifest (content changed)');
    expect(found).toContain('flipped.vhs: store sections do not match the digest in its header (corrupt)');
  });

  it('detects one removed line in a list', async () => {
    const path = await signedList('removed.txt', 'plain');
    writeFileSync(path, readFileSync(path, 'utf8').replace(`${hashes[2]}\n`, ''));
    const found = await problems(path);
    expect(found).toContain('removed.txt: SHA-256 of the file differs from the manifest (content changed)');
    expect(found).toContain('removed.txt: 4 md5 hashes, the manifest says 5');
  });

  it('detects a replaced signature (another key, or forged bytes)', async () => {
    const path = await signedList('replaced.txt', 'plain');
    const manifest = manifestPathOf(path);
    copyFileSync(manifest, join(dir, 'copy.json'));
    await signFile(join(dir, 'copy.json'), otherKeys.privateKey);
    copyFileSync(signaturePathOf(join(dir, 'copy.json')), signaturePathOf(manifest));
    expect((await problems(path))[0]).toMatch(/^replaced\.txt\.manifest\.json: signature made with key \w+, not with the given public key/);
    await signFile(manifest, keys.privateKey);
    const signature = JSON.parse(readFileSync(signaturePathOf(manifest), 'utf8'));
    signature.signature = Buffer.alloc(64, 7).toString('base64');
    writeFileSync(signaturePathOf(manifest), JSON.stringify(signature));
    const report = await verifyHashSet(path, { publicKey: keys.publicKey });
    expect(report.signature).toBe('invalid');
    expect(report.problems.map(formatProblem)).toEqual([
      'replaced.txt.manifest.json: bad signature: the manifest or its signature was changed after signing',
    ]);
  });

  it('detects a manifest edited after signing', async () => {
    const path = await signedList('edited.txt', 'plain');
    const manifest = manifestPathOf(path);
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('"sequence": 7', '"sequence": 8'));
    expect(await problems(path)).toEqual(['edited.txt.manifest.json: bad signature: the manifest or its signature was changed after signing']);
  });

  it('detects a rolled-back sequence number', async () => {
    const path = await signedList('rollback.txt', 'plain', 3);
    const previous = join(dir, 'accepted.json');
    writeFileSync(previous, JSON.stringify({ ...JSON.parse(readFileSync(manifestPathOf(path), 'utf8')), sequence: 4, sha256: 'x' }));
    expect(await problems(path, { previous })).toEqual(["rollback.txt: sequence 3 is lower than the previous manifest's 4 (rollback)"]);
    writeFileSync(previous, JSON.stringify({ sequence: 2 }));
    expect(await problems(path, { previous })).toEqual([]);
  });

  it('detects a wrong public key', async () => {
    const path = await signedList('wrongkey.txt', 'plain');
    const report = await verifyHashSet(path, { publicKey: otherKeys.publicKey });
    expect(report.signature).toBe('invalid');
    expect(report.problems.map(formatProblem)).toEqual([
      expect.stringMatching(/^wrongkey\.txt\.manifest\.json: signature made with key \w+, not with the given public key \w+$/),
    ]);
  });

  it('reports bad syntax and duplicates with file:line, and a too-small list', async () => {
    const path = await signedList('dupes.txt', 'plain');
    writeFileSync(path, `${hashes[0]}\n${hashes[1]}\nnot-a-hash\n${hashes[0]}\n`);
    await writeManifest(path, await buildManifest(path, { type: 'md5' }));
    const found = await problems(path, { publicKey: undefined, expectMinCount: 10 });
    expect(found).toEqual([
      'dupes.txt:4: duplicate md5 hash (first at dupes.txt:1)',
      'dupes.txt:3: bad hex in md5 hash',
      'dupes.txt: 3 hashes, fewer than the expected minimum 10',
    ]);
  });

  it('finds duplicates in a store on its byte arrays, located by provenance', async () => {
    const path = join(dir, 'dupes.vhs');
    const entries: HashSetEntry[] = [...hashes, hashes[3], hashes[0]].map((hash, i) => ({
      hash,
      signal: 'md5',
      provenance: { file: 'list.txt', line: i + 1, format: 'plain' },
    }));
    await writeHashSet(path, entries, { name: 'dupes' });
    await writeManifest(path, await buildManifest(path));
    expect(await problems(path, { publicKey: undefined })).toEqual([
      'list.txt:6: duplicate md5 hash (first at list.txt:4)',
      'list.txt:7: duplicate md5 hash (first at list.txt:1)',
    ]);
  });

  it('a missing manifest is a problem, not a crash', async () => {
    const path = join(dir, 'alone.txt');
    writeFileSync(path, `${hashes[0]}\n`);
    expect(await problems(path)).toEqual(['alone.txt.manifest.json: manifest not found']);
  });
});
