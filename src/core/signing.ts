import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { writeFileAtomic } from './atomic.js';
import { ExitCode, VigieError } from './errors.js';

/**
 * Ed25519 signing shared by every domain that signs a manifest (hash sets, notice bundles): one key format, one
 * signature file format, one verification, so a key made by `vigie hashset keygen` signs a notice bundle too.
 */

/** A detached signature of a file's exact bytes (the `.sig` file, JSON). Its keys are a published file format. */
export interface SignatureFile {
  algorithm: 'ed25519';
  /** First 16 hex digits of the SHA-256 of the public key (SPKI DER): says which key signed, without the key. */
  key_id: string;
  /** Base64 of the 64-byte Ed25519 signature. */
  signature: string;
}

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

/** Loads an Ed25519 key from a PEM file; a clear error (naming the file, never echoing its content) otherwise. */
export async function readKey(path: string, kind: 'private' | 'public'): Promise<KeyObject> {
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

/** The signature file's text for `data` (deterministic: Ed25519 signatures do not depend on randomness). */
export function signatureText(data: Uint8Array, privateKey: KeyObject): { text: string; keyId: string } {
  const signature: SignatureFile = {
    algorithm: 'ed25519',
    key_id: keyId(createPublicKey(privateKey)),
    signature: sign(null, data, privateKey).toString('base64'),
  };
  return { text: `${JSON.stringify(signature, null, 2)}\n`, keyId: signature.key_id };
}

/**
 * Why `signature` (a signature file's text, or undefined when there is none) does not hold for `data` with
 * `publicKey`, or undefined when it does. `name` is the signature file's name, for the message.
 */
export function checkSignatureText(data: Uint8Array, signature: string | undefined, publicKey: KeyObject, name: string): string | undefined {
  let parsed: SignatureFile;
  try {
    if (signature === undefined) throw new Error('none');
    parsed = JSON.parse(signature) as SignatureFile;
  } catch {
    return `no readable signature ${name}`;
  }
  if (parsed === null || parsed.algorithm !== 'ed25519' || typeof parsed.signature !== 'string') return 'signature file is not an Ed25519 signature';
  const expected = keyId(publicKey);
  const bytes = Buffer.from(parsed.signature, 'base64');
  const valid = bytes.length === 64 && verify(null, data, publicKey, bytes);
  if (valid) return undefined;
  if (parsed.key_id !== expected) return `signature made with key ${parsed.key_id}, not with the given public key ${expected}`;
  return 'bad signature: the manifest or its signature was changed after signing';
}
