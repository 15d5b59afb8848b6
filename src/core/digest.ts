import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export const DIGEST_NAMES = ['md5', 'sha1', 'sha256'] as const;
export type DigestName = (typeof DIGEST_NAMES)[number];

export interface FileDigests {
  bytes: number;
  digests: Partial<Record<DigestName, string>>;
}

/** Feeds chunks through every requested digest. */
async function digestChunks(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, names: readonly DigestName[]): Promise<FileDigests> {
  const hashes = names.map((name) => [name, createHash(name)] as [DigestName, Hash]);
  let bytes = 0;
  for await (const chunk of chunks) {
    bytes += chunk.length;
    for (const [, hash] of hashes) hash.update(chunk);
  }
  return { bytes, digests: Object.fromEntries(hashes.map(([name, hash]) => [name, hash.digest('hex')])) };
}

/** Streams the file once through every requested digest; memory stays constant whatever the file's size. */
export function digestFile(path: string, names: readonly DigestName[]): Promise<FileDigests> {
  return digestChunks(createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>, names);
}

/** The same digests of bytes already in memory. */
export function digestBytes(data: Uint8Array, names: readonly DigestName[]): Promise<FileDigests> {
  return digestChunks([data], names);
}
