import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Notice } from '../../src/core/notice.js';
import { generateKeys } from '../../src/core/signing.js';
import { writeBundle } from '../../src/notices/bundle.js';
import { BUNDLE_PATH, type BundleManifest } from '../../src/notices/bundle-layout.js';
import { formatsFor, NOTICE_FORMATS } from '../../src/notices/render/index.js';
import { verifyBundle } from '../../src/notices/verify.js';
import { runVigie } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/shared.js';
import { exampleNotices, NOW, tempDir, treeOf } from './bundle-fixtures.js';

const dir = tempDir('bundle-write');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const now = new Date(NOW);
/** Without PDF: the tests of names and atomicity do not need the slowest renderer. */
const QUICK = ['txt', 'eml', 'json', 'xarf'] as const;

let notices: Notice[];
let keys: { privateKey: string; publicKey: string; keyId: string };
beforeAll(async () => {
  notices = await exampleNotices();
  keys = await generateKeys(join(dir, 'bundle'));
});

const manifestOf = (bundle: string) => JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8')) as BundleManifest;
const leftovers = () => readdirSync(dir).filter((name) => name.startsWith('.'));

describe('notice bundle', () => {
  it('writes one folder per recipient with every applicable format, and a manifest of SHA-256 and sizes', async () => {
    const out = join(dir, 'full');
    const summary = await writeBundle(notices, { output: out, now, signingKey: keys.privateKey });
    const manifest = manifestOf(out);
    expect(manifest).toMatchObject({ bundleVersion: 1, generator: { name: 'vigie' }, caseRef: 'PDC-2026-000123', createdAt: NOW });
    expect(manifest.generator.version).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
    // Every notice kind of the example is there, each with the formats its kind takes.
    expect(new Set(manifest.notices.map((n) => n.kind))).toEqual(new Set(['host', 'registrar', 'pharos', 'iccam']));
    const expected = notices.flatMap((n) => formatsFor(n).map((format) => `${n.id} ${format}`)).sort();
    expect(manifest.files.map((f) => `${f.noticeId} ${f.format}`).sort()).toEqual(expected);
    expect(manifest.files.some((f) => f.format === 'pdf') && manifest.files.some((f) => f.format === 'eml')).toBe(true);
    // Host notices for CSAM carry XARF, as a file and attached to their e-mail.
    const csamHosts = notices.filter((n) => n.kind === 'host' && n.legal.category === 'csam');
    expect(csamHosts.length).toBeGreaterThan(0);
    for (const notice of csamHosts) {
      const files = manifest.files.filter((f) => f.noticeId === notice.id);
      expect(files.map((f) => f.format).sort()).toEqual(['eml', 'json', 'pdf', 'txt', 'xarf']);
      expect(readFileSync(join(out, files.find((f) => f.format === 'eml')!.path), 'latin1')).toMatch(/filename="?xarf\.json/);
    }

    const tree = treeOf(out);
    expect([...tree.keys()].sort()).toEqual(['manifest.json', 'manifest.json.sig', ...manifest.files.map((f) => f.path)].sort());
    for (const file of manifest.files) {
      const bytes = tree.get(file.path)!;
      expect(file.path).toMatch(BUNDLE_PATH);
      expect(file.size).toBe(bytes.length);
      expect(file.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
    // Each recipient has its own folder; a notice's files sit in its recipient's.
    const folders = new Map(manifest.notices.map((n) => [n.id, n.folder]));
    for (const file of manifest.files) expect(file.path.startsWith(`${folders.get(file.noticeId)}/`)).toBe(true);
    expect(new Set(folders.values()).size).toBe(new Set(notices.map((n) => `${n.recipient.role} ${n.recipient.abuseContact?.email ?? n.recipient.name}`)).size);
    expect(summary).toMatchObject({ notices: notices.length, files: manifest.files.length, keyId: keys.keyId });
    expect(await verifyBundle(out, { publicKey: keys.publicKey })).toMatchObject({ sound: true, signature: 'valid' });
  });

  it('is byte-identical for the same input and --now, as a folder and as a zip, whatever the time zone', async () => {
    const tz = process.env.TZ;
    const outputs: string[] = [];
    try {
      for (const [zone, name] of [['UTC', 'a'], ['Pacific/Chatham', 'b']] as const) {
        process.env.TZ = zone;
        for (const output of [join(dir, `same-${name}`), join(dir, `same-${name}.zip`)]) {
          await writeBundle(notices, { output, now, signingKey: keys.privateKey });
          outputs.push(output);
        }
      }
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
    const [dirA, zipA, dirB, zipB] = outputs as [string, string, string, string];
    expect(treeOf(dirB)).toEqual(treeOf(dirA));
    expect(readFileSync(zipB).equals(readFileSync(zipA))).toBe(true);
    // Another --now is another creation time.
    const later = join(dir, 'later');
    await writeBundle(notices, { output: later, now: new Date('2026-12-02T10:00:00Z'), formats: ['json'] });
    expect(manifestOf(later).createdAt).toBe('2026-12-02T10:00:00Z');
  }, 120_000);

  it('names files and folders safely: a hostname ../../etc and a 300-character reference stay inside their folder', async () => {
    const base = notices.find((n) => n.kind === 'host')!;
    const variant = (n: number, reference: string, name: string, email = base.recipient.abuseContact!.email!): Notice => ({
      ...base,
      id: `00000000-0000-4000-8000-00000000000${n}`,
      reference,
      recipient: { ...base.recipient, name, abuseContact: { ...base.recipient.abuseContact!, email } },
    });
    const hostile: Notice[] = [
      variant(1, '../../etc/passwd', '../../etc', 'abuse@etc.example'),
      // One recipient, two references that share their first 100 characters.
      variant(2, `https://x.example/${'a'.repeat(300)}`, '/'),
      variant(3, `https://x.example/${'a'.repeat(300)}b`, '/'),
      variant(4, 'CON', 'пример.рф \u202e\r\n', 'abuse@xn--e1afmkfd.example'),
    ];
    const out = join(dir, 'hostile');
    await writeBundle(hostile, { output: out, now, formats: QUICK });
    const manifest = manifestOf(out);
    const paths = manifest.files.map((f) => f.path);
    for (const path of paths) {
      expect(path).toMatch(BUNDLE_PATH);
      expect(path.split('/').every((part) => !part.startsWith('.') && part.length <= 120)).toBe(true);
    }
    // The two long references share 100 characters: the hash of the whole keeps them apart.
    expect(new Set(paths).size).toBe(paths.length);
    expect(paths.filter((p) => p.endsWith('.txt'))).toHaveLength(4);
    expect(paths.some((p) => p.startsWith('host-etc-'))).toBe(true);
    expect(paths.some((p) => p.includes('/_con.'))).toBe(true);
    expect([...treeOf(out).keys()].every((p) => p === 'manifest.json' || paths.includes(p))).toBe(true);
    expect(existsSync(join(dir, 'etc'))).toBe(false);
  });

  it('is atomic: a failure or an abort mid-way leaves no bundle and no temporary files', async () => {
    async function* failing() {
      yield notices[0]!;
      yield notices[1]!;
      throw new Error('renderer crashed');
    }
    for (const output of [join(dir, 'broken'), join(dir, 'broken.zip')]) {
      await expect(writeBundle(failing(), { output, now, formats: QUICK })).rejects.toThrow(/renderer crashed/);
      expect(existsSync(output)).toBe(false);
    }
    const controller = new AbortController();
    async function* interrupted() {
      yield notices[0]!;
      controller.abort('SIGINT');
      yield notices[1]!;
    }
    await expect(writeBundle(interrupted(), { output: join(dir, 'aborted.zip'), now, formats: QUICK, signal: controller.signal })).rejects.toMatchObject({
      code: 'interrupted',
      exitCode: 130,
    });
    expect(existsSync(join(dir, 'aborted.zip'))).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  it('refuses an existing output, an unknown format, several cases and an empty input, writing nothing', async () => {
    mkdirSync(join(dir, 'exists'));
    writeFileSync(join(dir, 'exists.zip'), '');
    for (const output of [join(dir, 'exists'), join(dir, 'exists.zip')]) {
      await expect(writeBundle(notices, { output, now })).rejects.toMatchObject({ code: 'exists', exitCode: 2 });
    }
    expect(readFileSync(join(dir, 'exists.zip'))).toHaveLength(0);
    await expect(writeBundle(notices, { output: join(dir, 'x'), formats: ['docx' as 'txt'] })).rejects.toMatchObject({ code: 'bad-format', exitCode: 2 });
    await expect(writeBundle([notices[0]!, { ...notices[1]!, caseRef: 'OTHER' }], { output: join(dir, 'x'), formats: QUICK })).rejects.toMatchObject({ code: 'mixed-cases' });
    await expect(writeBundle([], { output: join(dir, 'x.zip') })).rejects.toMatchObject({ code: 'no-notices', exitCode: 3 });
    await expect(writeBundle(notices, { output: join(dir, 'no', 'such', 'x.zip') })).rejects.toMatchObject({ code: 'not-found', exitCode: 3 });
    expect(existsSync(join(dir, 'x')) || existsSync(join(dir, 'x.zip'))).toBe(false);
    expect(leftovers()).toEqual([]);
    expect(NOTICE_FORMATS).toEqual(['txt', 'eml', 'pdf', 'json', 'xarf']);
  });
});

describe('vigie notice bundle', () => {
  it('writes the bundle of a case file and prints where', async () => {
    const out = join(dir, 'cli.zip');
    const result = await runVigie(['notice', 'bundle', 'samples/case-example.yaml', '-o', out, '--now', NOW, '--formats', 'txt,json', '--sign', keys.privateKey]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/cli\.zip: \d+ notices, \d+ files .*signed with key [0-9a-f]{16}/);
    expect(await verifyBundle(out, { publicKey: keys.publicKey })).toMatchObject({ sound: true, signature: 'valid' });
  });

  it('stops on SIGINT with exit 130, leaving no bundle and no temporary folder', async () => {
    const parent = tempDir('bundle-sigint');
    const out = join(parent, 'interrupted');
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'vigie.js'), 'notice', 'bundle', 'samples/case-example.yaml', '-o', out, '--now', NOW], {
      cwd: REPO_ROOT,
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    // 'close', not 'exit': under load the child can exit before its last stderr line has been read here.
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    // The hidden folder appears once writing has begun (after the signal handlers are in place).
    while (child.exitCode === null && !readdirSync(parent).some((name) => name.startsWith('.interrupted.'))) await new Promise((resolve) => setTimeout(resolve, 10));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toMatch(/^vigie: interrupted \(SIGINT\): nothing written\n$/);
    expect(readdirSync(parent)).toEqual([]);
    rmSync(parent, { recursive: true, force: true });
  });

  it('refuses a bad --formats or --now (exit 2) and a case that is not YAML (exit 3), writing nothing', async () => {
    for (const args of [['--formats', 'txt,docx'], ['--now', 'yesterday']]) {
      const result = await runVigie(['notice', 'bundle', 'samples/case-example.yaml', '-o', join(dir, 'bad'), ...args]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^vigie: .*(docx|yesterday)/);
    }
    expect(existsSync(join(dir, 'bad'))).toBe(false);
    // A case that is not YAML: an input error, nothing written.
    writeFileSync(join(dir, 'broken.yaml'), 'caseRef: [unclosed\n');
    const broken = await runVigie(['notice', 'bundle', join(dir, 'broken.yaml'), '-o', join(dir, 'bad.zip')]);
    expect(broken.code).toBe(3);
    expect(broken.stderr).toMatch(/^vigie: .*broken\.yaml/);
    expect(existsSync(join(dir, 'bad.zip'))).toBe(false);
    expect(leftovers()).toEqual([]);
  });
});
