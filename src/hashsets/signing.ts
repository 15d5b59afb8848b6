import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { writeFileAtomic } from '../core/atomic.js';
import { checkSignatureText, readKey, signatureText } from '../core/signing.js';

/** A hash set's manifest is signed by a detached `<manifest>.sig` beside it; the Ed25519 code is src/core/signing.ts. */
export const signaturePathOf = (manifestPath: string) => `${manifestPath}.sig`;

/** Signs a manifest's bytes; writes `<manifest>.sig` next to it. */
export async function signFile(manifestPath: string, privateKeyPath: string): Promise<{ path: string; keyId: string }> {
  const key = await readKey(privateKeyPath, 'private');
  const signature = signatureText(await readFile(manifestPath), key);
  const path = signaturePathOf(manifestPath);
  await writeFileAtomic(path, signature.text, { mode: 0o644 });
  return { path, keyId: signature.keyId };
}

/** Why the signature of `manifestPath` does not hold with `publicKeyPath`, or undefined when it does. */
export async function checkSignature(manifestPath: string, publicKeyPath: string): Promise<string | undefined> {
  const key = await readKey(publicKeyPath, 'public');
  const path = signaturePathOf(manifestPath);
  const signature = await readFile(path, 'utf8').catch(() => undefined);
  return checkSignatureText(await readFile(manifestPath), signature, key, basename(path));
}
