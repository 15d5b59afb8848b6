import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashImage } from '../../src/hashing/image.js';
import { sharedPath } from '../helpers/shared.js';

const dir = sharedPath('reference/blockhash/commonsmachinery');

function expectations(file: string): [string, string][] {
  if (!dir) return [];
  return readFileSync(join(dir, file), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [hash, name] = line.split(/\s+/);
      return [name, hash];
    });
}

describe.skipIf(!dir)('blockhash against the blockhash.io reference values', () => {
  it.each(expectations('exact-hashes.txt'))('precise %s', async (name, hash) => {
    const result = await hashImage(join(dir as string, name), { signals: ['blockhash'] });
    expect(result.hashes.blockhash).toBe(hash);
  });
  it.each(expectations('quick-hashes.txt'))('quick %s', async (name, hash) => {
    const result = await hashImage(join(dir as string, name), { signals: ['blockhash-quick'] });
    expect(result.hashes['blockhash-quick']).toBe(hash);
  });
});
