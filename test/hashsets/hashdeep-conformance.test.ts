import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportHashSet } from '../../src/hashsets/export.js';
import { importHashSet, readList } from '../../src/hashsets/import.js';
import { entriesOf, loadHashSet } from '../../src/hashsets/store-reader.js';
import { runVigie } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/shared.js';

const hashdeepFound = spawnSync('hashdeep', ['-V'], { encoding: 'utf8' }).status === 0;
if (!hashdeepFound) process.stderr.write('skipping hashdeep conformance tests: hashdeep not found (apt-get install hashdeep)\n');

const samples = join(REPO_ROOT, 'samples');
const dir = mkdtempSync(join(tmpdir(), 'vigie-hashdeep-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function filesUnder(root: string): string[] {
  return readdirSync(root, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(root, e.name)) : [join(root, e.name)]));
}

describe.skipIf(!hashdeepFound)("Debian's hashdeep", () => {
  it('imports its list of samples/ with identical hashes and sizes', async () => {
    const list = join(dir, 'samples.hashdeep');
    writeFileSync(list, execFileSync('hashdeep', ['-c', 'md5,sha1,sha256', '-r', '-l', '.'], { cwd: samples }));
    const store = join(dir, 'hashdeep.vhs');
    const { files } = await importHashSet([list], store);
    expect(files[0]).toMatchObject({ format: 'hashdeep', skippedCount: 0 });
    const imported = new Map<string, Record<string, string | number>>();
    for (const entry of entriesOf(await loadHashSet(store))) {
      const name = (entry.fileName as string).replace(/^\.\//, '');
      imported.set(name, { ...imported.get(name), [entry.signal]: entry.hash, size: entry.fileSize as number });
    }
    const expected = new Map(
      filesUnder(samples).map((path) => {
        const data = readFileSync(path);
        const digest = (name: string) => createHash(name).update(data).digest('hex');
        return [relative(samples, path), { md5: digest('md5'), sha1: digest('sha1'), sha256: digest('sha256'), size: statSync(path).size }];
      }),
    );
    expect(Object.fromEntries(imported)).toEqual(Object.fromEntries(expected));
  });

  it('hashdeep -a -k audits `vigie hash` output (exported as hashdeep) as passed, and fails a changed one', async () => {
    const hashed = await runVigie(['hash', '-a', 'md5,sha256', '-f', 'jsonl', '-j', '1', 'samples']);
    expect(hashed.code).toBe(0);
    const jsonl = join(dir, 'vigie-hash.jsonl');
    writeFileSync(jsonl, hashed.stdout);
    const store = join(dir, 'vigie-hash.vhs');
    await importHashSet([jsonl], store);
    const known = join(dir, 'known.hashdeep');
    await exportHashSet(store, 'hashdeep', known);
    // Options before -a (hashdeep 4.4 parses -c after -a as a new mode); -l keeps paths relative, as vigie hash's.
    const auditArgs = ['-c', 'md5,sha256', '-a', '-l', '-k', known, '-r', 'samples'];
    const audit = spawnSync('hashdeep', auditArgs, { encoding: 'utf8', cwd: REPO_ROOT });
    expect(audit.stdout + audit.stderr).toMatch(/Audit passed/);
    expect(audit.status).toBe(0);
    // The audit must be able to fail: drop one file from the known list (hashdeep then finds a "new" file).
    const lines = readFileSync(known, 'utf8').trimEnd().split('\n');
    writeFileSync(known, `${lines.slice(0, -1).join('\n')}\n`);
    const failed = spawnSync('hashdeep', auditArgs, { encoding: 'utf8', cwd: REPO_ROOT });
    expect(failed.stdout + failed.stderr).toMatch(/Audit failed/);
    expect(failed.status).not.toBe(0);
  });
});

describe.skipIf(!hashdeepFound)("Debian's md5deep and hashdeep on awkward trees (issue 12)", () => {
  const tree = join(dir, 'awkward');
  const names = ['two\nlines.txt', 'b.txt'];
  const digest = (data: string) => createHash('md5').update(data).digest('hex');
  async function entries(list: string) {
    const { context, entries } = await readList(list, {});
    const all = [];
    for await (const entry of entries) all.push(entry);
    return { context, all };
  }

  it('md5deep -z: sizes read; the rest of a name broken by a line break skipped with that reason', async () => {
    mkdirSync(tree, { recursive: true });
    names.forEach((name, i) => writeFileSync(join(tree, name), 'x'.repeat(i + 1)));
    const list = join(dir, 'md5deep-z.txt');
    writeFileSync(list, execFileSync('md5deep', ['-z', '-r', '-l', '.'], { cwd: tree }));
    const { context, all } = await entries(list);
    expect(all.map((e) => [e.hash, e.fileSize]).sort()).toEqual([[digest('x'), 1], [digest('xx'), 2]].sort());
    expect(context.skipped.map((s) => s.reason)).toEqual([expect.stringMatching(/probably the rest of line \d+'s file name/)]);
  });

  it('hashdeep: a name holding a line break is read whole', async () => {
    const list = join(dir, 'awkward.hashdeep');
    writeFileSync(list, execFileSync('hashdeep', ['-c', 'md5', '-r', '-l', '.'], { cwd: tree }));
    const { context, all } = await entries(list);
    expect(context.skippedCount).toBe(0);
    expect(all.map((e) => [e.fileName?.replace(/^\.\//, ''), e.hash]).sort()).toEqual(names.map((name, i) => [name, digest('x'.repeat(i + 1))]).sort());
  });
});
