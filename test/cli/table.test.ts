import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderTable } from '../../src/cli/output.js';
import { runVigie } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/shared.js';
import { runInTerminal } from './terminal.js';

const MD5 = 'd41d8cd98f00b204e9800998ecf8427e';
const SHA1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';
const URL = `https://example.com/${'a'.repeat(120)}`;
const lines = (table: string) => table.trimEnd().split('\n');
const widest = (table: string) => Math.max(...lines(table).map((line) => line.length));

describe('renderTable', () => {
  const headers = ['url', 'md5', 'sha1', 'note'];
  const rows = [[URL, MD5, SHA1, 'a note that is rather long for a table cell, as notes are']];
  const fixed = [false, true, true, false];

  it('without a width (a pipe, a file, unknown columns) cuts nothing', () => {
    const table = renderTable(headers, rows, { fixed });
    expect(table).toContain(URL);
    expect(table).not.toContain('…');
  });

  it('fits the width by cutting the widest columns with …, hashes whole', () => {
    const table = renderTable(headers, rows, { width: 140, fixed });
    expect(widest(table)).toBeLessThanOrEqual(140);
    const row = lines(table)[2];
    expect(row).toContain(MD5);
    expect(row).toContain(SHA1);
    expect(row).toContain('https://example.com/aaa');
    expect(row).toMatch(/a… {2}d41d8/);
  });

  it('cuts the widest column first, so a short column stays whole', () => {
    const table = renderTable(['id', 'url', 'note'], [['r1', URL, 'short note']], { width: 60 });
    const row = lines(table)[2];
    expect(row.startsWith('r1  https://example.com/')).toBe(true);
    expect(row.endsWith('short note')).toBe(true);
    expect(row.length).toBeLessThanOrEqual(60);
  });

  it('never cuts a fixed column, even when the table cannot fit (it stays wider)', () => {
    const table = renderTable(['md5', 'sha1', 'path'], [[MD5, SHA1, '/evidence/case-42/photo.jpg']], { width: 40, fixed: [true, true, false] });
    const row = lines(table)[2];
    expect(row).toContain(`${MD5}  ${SHA1}`);
    // A cut column keeps at least 8 characters (or its header), to stay recognisable.
    expect(row).toMatch(/ \/eviden…$/);
  });

  it('does not cut a cell in the middle of a surrogate pair', () => {
    const cell = `${'😀'.repeat(20)}`;
    const table = renderTable(['a', 'b'], [[cell, 'x'.repeat(30)]], { width: 30 });
    expect(lines(table)[2]).not.toMatch(/[\uD800-\uDBFF]…/);
    expect(lines(table)[2]).toContain('…');
  });

  it('property: any table fits any width its fixed columns and floors allow, and fixed cells are whole', () => {
    const cell = fc.string({ unit: 'grapheme-ascii', maxLength: 60 });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(fc.array(cell, { minLength: 5, maxLength: 5 }), { maxLength: 6 }), fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }), fc.integer({ min: 20, max: 200 }), (n, rawRows, fixedFlags, width) => {
        const headers = Array.from({ length: n }, (_, i) => `h${i}`);
        const data = rawRows.map((row) => row.slice(0, n).map((text) => text.replace(/\s/g, '_')));
        const fixed = fixedFlags.slice(0, n);
        const table = renderTable(headers, data, { width, fixed });
        const natural = headers.map((h, i) => Math.max(h.length, ...data.map((row) => row[i].length)));
        const floor = natural.map((w, i) => (fixed[i] ? w : Math.min(w, 8)));
        const least = floor.reduce((sum, w) => sum + w, 0) + 2 * (n - 1);
        expect(widest(table)).toBeLessThanOrEqual(Math.max(width, least));
        for (const row of data) for (let i = 0; i < n; i++) if (fixed[i] && row[i] !== '') expect(table).toContain(row[i]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('tables on a terminal', () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-table-'));
    file = join(dir, `${'a-rather-long-evidence-file-name-'.repeat(3)}shapes.png`);
    copyFileSync(join(REPO_ROOT, 'samples', 'shapes.png'), file);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a table wider than the terminal is cut to fit it; MD5 and SHA-1 are never cut', async () => {
    const { code, output } = await runInTerminal(['hash', '-a', 'md5,sha1', file, '-f', 'table'], { columns: 160, cwd: dir });
    expect(code).toBe(0);
    const shown = output.split('\n').filter((line) => line.trim() !== '');
    expect(shown.every((line) => line.length <= 160)).toBe(true);
    const row = shown.find((line) => line.includes('image') || line.includes('other'))!;
    expect(row).toMatch(/^\/tmp\/vigie-table-.+… {2}/);
    expect(row).toMatch(/\b[0-9a-f]{32} {2}[0-9a-f]{40}\b/);
  });

  it('the same table in a pipe is whole (full values), and so is it in a file', async () => {
    const result = await runVigie(['hash', '-a', 'md5,sha1', file, '-f', 'table'], { env: { COLUMNS: '80' } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(file);
    expect(result.stdout).not.toContain('…');
  });
});
