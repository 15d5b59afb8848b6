import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Notice } from '../../src/core/notice.js';
import { generateKeys } from '../../src/core/signing.js';
import { writeBundle } from '../../src/notices/bundle.js';
import { safeName, type BundleManifest } from '../../src/notices/bundle-layout.js';
import { verifyBundle } from '../../src/notices/verify.js';
import { runVigie } from '../helpers/cli.js';
import { exampleNotices, NOW, tempDir } from './bundle-fixtures.js';

const dir = tempDir('bundle-verify');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let notices: Notice[];
let keys: { privateKey: string; publicKey: string };
let otherKeys: { privateKey: string; publicKey: string };
let original: string;
let originalZip: string;
beforeAll(async () => {
  notices = await exampleNotices();
  keys = await generateKeys(join(dir, 'k'));
  otherKeys = await generateKeys(join(dir, 'other'));
  original = join(dir, 'original');
  originalZip = join(dir, 'original.zip');
  for (const output of [original, originalZip]) {
    await writeBundle(notices, { output, now: new Date(NOW), formats: ['txt', 'eml', 'json', 'xarf'], signingKey: keys.privateKey });
  }
});

let copies = 0;
/** A copy of the signed folder bundle to damage. */
function copy(): string {
  const path = join(dir, `copy-${++copies}`);
  cpSync(original, path, { recursive: true });
  return path;
}
const manifestOf = (path: string) => JSON.parse(readFileSync(join(path, 'manifest.json'), 'utf8')) as BundleManifest;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
/** Problems as `file: message` lines, checked with the bundle's key unless told otherwise. */
const problems = async (path: string, options: { publicKey?: string } = { publicKey: keys.publicKey }) =>
  (await verifyBundle(path, options)).problems.map((p) => `${p.file ?? ''}: ${p.message}`);

describe('notice verify', () => {
  it('finds a sound, signed bundle sound, as a folder and as a zip', async () => {
    for (const path of [original, originalZip]) {
      const report = await verifyBundle(path, { publicKey: keys.publicKey });
      expect(report).toMatchObject({ sound: true, signature: 'valid', caseRef: 'PDC-2026-000123', createdAt: NOW, notices: notices.length, problems: [] });
      expect(report.files).toBeGreaterThan(notices.length);
      expect(await verifyBundle(path)).toMatchObject({ sound: true, signature: 'unchecked' });
    }
  });

  it('detects every kind of tampering, each named with its file', async () => {
    const manifest = manifestOf(original);
    const [first, second, third] = manifest.files as [BundleManifest['files'][number], BundleManifest['files'][number], BundleManifest['files'][number]];

    const changed = copy();
    const bytes = readFileSync(join(changed, first.path));
    bytes[bytes.length >> 1] ^= 0x01;
    writeFileSync(join(changed, first.path), bytes);
    appendFileSync(join(changed, second.path), 'x');
    unlinkSync(join(changed, third.path));
    writeFileSync(join(changed, `${manifest.notices[0]!.folder}/extra.txt`), 'added later');
    // The send log (and a running send's lock) are allowed, outside the signed part.
    writeFileSync(join(changed, 'sent.jsonl'), '');
    writeFileSync(join(changed, 'sent.jsonl.lock'), '');
    expect(await problems(changed)).toEqual([
      `${first.path}: SHA-256 ${sha256(bytes)}, the manifest says ${first.sha256}: changed after bundling`,
      `${second.path}: ${second.size + 1} bytes, the manifest says ${second.size}`,
      `${second.path}: SHA-256 ${sha256(readFileSync(join(changed, second.path)))}, the manifest says ${second.sha256}: changed after bundling`,
      `${third.path}: missing`,
      `${manifest.notices[0]!.folder}/extra.txt: not listed in the manifest: added after bundling`,
    ]);

    // A manifest edited to match a changed file: the signature no longer holds.
    const edited = copy();
    const json = manifest.files.find((f) => f.format === 'json')!;
    writeFileSync(join(edited, json.path), 'replaced');
    const text = readFileSync(join(edited, 'manifest.json'), 'utf8')
      .replace(json.sha256, sha256(Buffer.from('replaced')))
      .replace(`"size": ${json.size},`, '"size": 8,');
    writeFileSync(join(edited, 'manifest.json'), text);
    expect(await problems(edited)).toEqual(['manifest.json.sig: bad signature: the manifest or its signature was changed after signing']);
    expect(await problems(edited, {})).toEqual([]);
    // Signed with another key; the signature removed.
    expect(await problems(original, { publicKey: otherKeys.publicKey })).toEqual([expect.stringMatching(/^manifest.json.sig: signature made with key [0-9a-f]{16}, not with/)]);
    const unsigned = copy();
    unlinkSync(join(unsigned, 'manifest.json.sig'));
    expect(await problems(unsigned)).toEqual(['manifest.json.sig: no readable signature manifest.json.sig']);
    expect(await verifyBundle(unsigned, {})).toMatchObject({ sound: true, signature: 'absent' });
  });

  it('checks that each e-mail goes where its .eml says, even without a signature to check', async () => {
    const redirected = copy();
    const email = manifestOf(redirected).notices.find((n) => n.email)!.email!;
    const text = readFileSync(join(redirected, 'manifest.json'), 'utf8').replaceAll(`"${email.to[0]}"`, '"attacker@evil.example"');
    writeFileSync(join(redirected, 'manifest.json'), text);
    expect(await problems(redirected, {})).toEqual([`${email.file}: addressed to ${email.to[0]}, the manifest sends it to attacker@evil.example`]);
  });

  it('never follows a manifest path or a link out of the bundle', async () => {
    const climbing = copy();
    const text = readFileSync(join(climbing, 'manifest.json'), 'utf8').replace(`"path": "${manifestOf(climbing).files[0]!.path}"`, '"path": "../../../etc/passwd"');
    writeFileSync(join(climbing, 'manifest.json'), text);
    expect(await problems(climbing, {})).toContainEqual('manifest.json files[0]: path "../../../etc/passwd" is not a bundle file name');

    const linked = copy();
    const target = manifestOf(linked).files[0]!.path;
    unlinkSync(join(linked, target));
    symlinkSync('/etc/hostname', join(linked, target));
    expect(await problems(linked)).toEqual(expect.arrayContaining([`${target}: a symbolic link: not part of a bundle`, `${target}: missing`]));

    const notJson = copy();
    writeFileSync(join(notJson, 'manifest.json'), '{"bundleVersion": 1,');
    expect(await problems(notJson, {})).toContain('manifest.json: not JSON');
  });

  it('detects a changed byte in a zip, entries added to it, and a zip that is not one', async () => {
    const first = manifestOf(original).files[0]!.path;
    const damaged = readFileSync(originalZip);
    // A byte inside the first file's compressed data, just after its name in its local header.
    damaged[damaged.indexOf(Buffer.from(first)) + first.length + 40]! ^= 0xff;
    writeFileSync(join(dir, 'damaged.zip'), damaged);
    const report = await verifyBundle(join(dir, 'damaged.zip'), { publicKey: keys.publicKey });
    expect(report.sound).toBe(false);
    expect(report.problems.map((p) => p.file)).toEqual([first]);

    // Entries added to a zip: a second one under a listed name (which an unzip tool would let win), and a new one.
    const { ZipFile } = await import('yazl');
    const zip = new ZipFile();
    for (const name of ['manifest.json', 'manifest.json.sig', ...manifestOf(original).files.map((f) => f.path)]) zip.addBuffer(readFileSync(join(original, name)), name);
    zip.addBuffer(Buffer.from('Subject: something else\r\n\r\n'), first);
    zip.addBuffer(Buffer.from('extra'), 'extra.txt');
    zip.end();
    const chunks: Buffer[] = [];
    for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
    writeFileSync(join(dir, 'added.zip'), Buffer.concat(chunks));
    expect(await problems(join(dir, 'added.zip'))).toEqual([`${first}: a second zip entry with this name: not part of a bundle`, 'extra.txt: not listed in the manifest: added after bundling']);

    writeFileSync(join(dir, 'not.zip'), 'not a zip');
    expect(await problems(join(dir, 'not.zip'))).toEqual([expect.stringMatching(/is not a readable zip/)]);
  });

  it('vigie notice verify exits 0 when sound, 1 with each problem on stderr, 3 for a missing bundle', async () => {
    const sound = await runVigie(['notice', 'verify', originalZip, '--pubkey', keys.publicKey]);
    expect(sound.code).toBe(0);
    expect(sound.stdout).toMatch(/original\.zip: sound; \d+ notices, \d+ files; case PDC-2026-000123; created 2026-12-01T10:00:00Z; signature valid/);
    const broken = copy();
    unlinkSync(join(broken, manifestOf(broken).files[0]!.path));
    const result = await runVigie(['notice', 'verify', broken, '--json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ sound: false, signature: 'unchecked', problems: [{ message: 'missing' }] });
    const missing = await runVigie(['notice', 'verify', join(dir, 'nowhere')]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/^vigie: .*nowhere: no such bundle\n$/);
  });
});

describe('bundle file names', () => {
  it('any text gives a name that stays in its folder (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400, unit: 'binary' }), fc.integer({ min: 12, max: 120 }), (text, max) => {
        const name = safeName(text, max);
        expect(name).toMatch(/^[a-z0-9_][a-z0-9._-]*$/);
        expect(name.length).toBeLessThanOrEqual(max);
        expect(name.includes('..')).toBe(false);
      }),
      { numRuns: 500 },
    );
    expect(safeName('../../etc')).toBe('etc');
    expect(safeName('Hébergeur Exemple S.A.')).toBe('hebergeur-exemple-s.a');
    expect(safeName('форум')).toBe('notice');
  });
});
