import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { writeFileAtomic } from '../core/atomic.js';
import { ExitCode, VigieError } from '../core/errors.js';

/** A detached signature of a manifest's exact bytes. */
export interface SignatureFile {
  algorithm: 'ed25519';
  /** First 16 hex digits of the SHA-256 of the public key (SPKI DER): says which key signed, without the key. */
  key_id: string;
  /** Base64 of the 64-byte Ed25519 signature. */
  signature: string;
}

export const signaturePathOf = (manifestPath: string) => `${manifestPath}.sig`;

export function keyId(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

/** Writes `<prefix>.key` (PKCS#8 PEM, mode 0600) and `<prefix>.pub` (SPKI PEM). Refuses to overwrite a key. */
export async function generateKeys(prefix: string): Promise<{ privateKey: string; publicKey: string; keyId: string }> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const paths = { privateKey: `${prefix}.key`, publicKey: `${prefix}.pub` };
  for (const path of Object.values(paths)) {
    const exists = await readFile(path).then(() => true, () => false);
    if (exists) throw new VigieError('exists', `${path} exists: refusing to overwrite a key`, ExitCode.usage);
  }
  await writeFileAtomic(paths.privateKey, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600 });
  await writeFileAtomic(paths.publicKey, publicKey.export({ type: 'spki', format: 'pem' }) as string, { mode: 0o644 });
  return { ...paths, keyId: keyId(publicKey) };
}

async function readKey(path: string, kind: 'private' | 'public'): Promise<KeyObject> {
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch {
    throw new VigieError('not-found', `cannot read ${kind} key ${path}`);
  }
  try {
    const key = kind === 'private' ? createPrivateKey(pem) : createPublicKey(pem);
    if (key.asymmetricKeyType !== 'ed25519') throw new Error('type');
    return key;
  } catch {
    // Never echo key material: only the file name.
    throw new VigieError('bad-key', `${basename(path)} is not an Ed25519 ${kind} key in PEM`);
  }
}

/** Signs a manifest's bytes; writes `<manifest>.sig` next to it. */
export async function signFile(manifestPath: string, privateKeyPath: string): Promise<{ path: string; keyId: string }> {
  const key = await readKey(privateKeyPath, 'private');
  const data = await readFile(manifestPath);
  const signature: SignatureFile = {
    algorithm: 'ed25519',
    key_id: keyId(createPublicKey(key)),
    signature: sign(null, data, key).toString('base64'),
  };
  const path = signaturePathOf(manifestPath);
  await writeFileAtomic(path, `${JSON.stringify(signature, null, 2)}\n`, { mode: 0o644 });
  return { path, keyId: signature.key_id };
}

/** Why the signature of `manifestPath` does not hold with `publicKeyPath`, or undefined when it does. */
export async function checkSignature(manifestPath: string, publicKeyPath: string): Promise<string | undefined> {
  const key = await readKey(publicKeyPath, 'public');
  let signature: SignatureFile;
  try {
    signature = JSON.parse(await readFile(signaturePathOf(manifestPath), 'utf8')) as SignatureFile;
  } catch {
    return `no readable signature ${basename(signaturePathOf(manifestPath))}`;
  }
  if (signature.algorithm !== 'ed25519' || typeof signature.signature !== 'string') return 'signature file is not an Ed25519 signature';
  const expected = keyId(key);
  const bytes = Buffer.from(signature.signature, 'base64');
  const valid = bytes.length === 64 && verify(null, await readFile(manifestPath), key, bytes);
  if (valid) return undefined;
  if (signature.key_id !== expected) return `signature made with key ${signature.key_id}, not with the given public key ${expected}`;
  return 'bad signature: the manifest or its signature was changed after signing';
}
