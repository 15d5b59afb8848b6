import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export const DIGEST_NAMES = ['md5', 'sha1', 'sha256'] as const;
export type DigestName = (typeof DIGEST_NAMES)[number];

export interface FileDigests {
  bytes: number;
  digests: Partial<Record<DigestName, string>>;
}

/** Streams the file once through every requested digest; memory stays constant whatever the file's size. */
export async function digestFile(path: string, names: readonly DigestName[]): Promise<FileDigests> {
  const hashes = names.map((name) => [name, createHash(name)] as [DigestName, Hash]);
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    for (const [, hash] of hashes) hash.update(chunk);
  }
  return { bytes, digests: Object.fromEntries(hashes.map(([name, hash]) => [name, hash.digest('hex')])) };
}
