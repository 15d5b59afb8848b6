import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/shared.js';

const dir = mkdtempSync(join(tmpdir(), 'vigie-crypto-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('streamed digests', () => {
  it('hash a 1 GiB file in constant memory and agree with sha256sum', () => {
    const path = join(dir, 'big.bin');
    writeFileSync(path, 'head');
    truncateSync(path, 1 << 30); // sparse: costs no disk
    const script = `
      const { digestFile } = await import(${JSON.stringify(join(REPO_ROOT, 'dist/core/digest.js'))});
      const before = process.memoryUsage().rss;
      const { digests, bytes } = await digestFile(${JSON.stringify(path)}, ['sha256']);
      console.log(JSON.stringify({ digest: digests.sha256, bytes, grewBy: process.resourceUsage().maxRSS * 1024 - before }));`;
    const result = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
    const expected = execFileSync('sha256sum', [path], { encoding: 'utf8' }).split(' ')[0];
    expect(result.bytes).toBe(1 << 30);
    expect(result.digest).toBe(expected);
    expect(result.grewBy).toBeLessThan(64 * 1024 * 1024);
  });
});
