/**
 * `vigie notice verify`: a bundle is sound when its manifest is readable and of this version, every file it lists is
 * there with the size and SHA-256 it gives, nothing else is there (but the send log), and, with a public key, the
 * manifest's Ed25519 signature holds. Every problem is listed, not only the first.
 */
import { createHash } from 'node:crypto';
import { describeError } from '../core/errors.js';
import { checkSignatureText, readKey } from '../core/signing.js';
import {
  BUNDLE_PATH,
  BUNDLE_VERSION,
  MANIFEST_NAME,
  SENT_LOG_NAME,
  SIGNATURE_NAME,
  headerOf,
  type BundleManifest,
  type BundleNotice,
} from './bundle-layout.js';
import { NOTICE_FORMATS } from './render/index.js';
import { openBundle, type BundleSource } from './bundle-reader.js';

export interface BundleProblem {
  /** The file concerned, relative to the bundle, when there is one. */
  file?: string;
  message: string;
}

export interface BundleVerifyReport {
  bundle: string;
  sound: boolean;
  caseRef?: string;
  createdAt?: string;
  notices: number;
  files: number;
  /** `absent`: not signed; `unchecked`: signed, but no public key was given. */
  signature: 'valid' | 'invalid' | 'absent' | 'unchecked';
  problems: BundleProblem[];
}

export interface BundleVerifyOptions {
  /** Ed25519 public key (PEM) the manifest must be signed with. */
  publicKey?: string;
}

/** The checked manifest with the open bundle, for `send`; the caller closes `source`. */
export interface VerifiedBundle {
  report: BundleVerifyReport;
  manifest?: BundleManifest;
  source?: BundleSource;
}

export async function verifyBundle(path: string, options: BundleVerifyOptions = {}): Promise<BundleVerifyReport> {
  const { report, source } = await openVerifiedBundle(path, options);
  source?.close();
  return report;
}

export async function openVerifiedBundle(path: string, options: BundleVerifyOptions = {}): Promise<VerifiedBundle> {
  // A key that cannot be read is the user's error (exit 3), not a finding about the bundle.
  const key = options.publicKey === undefined ? undefined : await readKey(options.publicKey, 'public');
  const report: BundleVerifyReport = { bundle: path, sound: false, notices: 0, files: 0, signature: 'absent', problems: [] };
  const problem = (message: string, file?: string): undefined => {
    report.problems.push(file === undefined ? { message } : { file, message });
    return undefined;
  };
  let source: BundleSource;
  try {
    source = await openBundle(path);
  } catch (error) {
    if (describeError(error).code === 'not-found') throw error;
    problem(describeError(error).message);
    return { report };
  }
  for (const oddity of source.oddities) problem(`${oddity.why}: not part of a bundle`, oddity.name);

  const manifestBytes = await source.read(MANIFEST_NAME);
  const manifest = manifestBytes === undefined ? problem('missing', MANIFEST_NAME) : parseManifest(manifestBytes, problem);
  if (manifestBytes !== undefined) {
    const signature = await source.read(SIGNATURE_NAME);
    if (key) {
      const why = checkSignatureText(manifestBytes, signature?.toString('utf8'), key, SIGNATURE_NAME);
      report.signature = why === undefined ? 'valid' : 'invalid';
      if (why !== undefined) problem(why, SIGNATURE_NAME);
    } else if (signature !== undefined) report.signature = 'unchecked';
  }

  if (manifest) {
    report.caseRef = manifest.caseRef;
    report.createdAt = manifest.createdAt;
    report.notices = manifest.notices.length;
    report.files = manifest.files.length;
    const listed = new Set<string>();
    // What `send` would hand to the server: each e-mail's envelope must be the message's own addresses and Message-ID.
    const emails = new Map(manifest.notices.flatMap((notice) => (notice.email ? [[notice.email.file, { ...notice.email, noticeId: notice.id }] as const] : [])));
    for (const file of manifest.files) {
      if (listed.has(file.path)) problem('listed twice in the manifest', file.path);
      listed.add(file.path);
      let bytes: Buffer | undefined;
      try {
        bytes = await source.read(file.path);
        if (bytes === undefined) problem('missing', file.path);
      } catch (error) {
        problem(describeError(error).message, file.path);
      }
      if (bytes === undefined) continue;
      if (bytes.length !== file.size) problem(`${bytes.length} bytes, the manifest says ${file.size}`, file.path);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      if (sha256 !== file.sha256) problem(`SHA-256 ${sha256}, the manifest says ${file.sha256}: changed after bundling`, file.path);
      const email = emails.get(file.path);
      if (email) checkEnvelope(bytes, email, file.path, problem);
    }
    for (const [path, email] of emails) {
      if (!listed.has(path)) problem(`notice ${email.noticeId}: its e-mail is not a file of the bundle`, path);
    }
    // The send log and the lock of a send in progress live in a bundle folder, outside the signed part.
    const extra = new Set([MANIFEST_NAME, SIGNATURE_NAME, ...(source.isZip ? [] : [SENT_LOG_NAME, `${SENT_LOG_NAME}.lock`])]);
    for (const name of source.names) if (!listed.has(name) && !extra.has(name)) problem('not listed in the manifest: added after bundling', name);
  }
  report.sound = report.problems.length === 0;
  return { report, manifest, source };
}

const ADDRESS = /[^\s<>,;:"()[\]]+@[^\s<>,;:"()[\]]+/g;

/** The `.eml` says the same as the manifest: its Message-ID, and its To addresses are the envelope's recipients. */
function checkEnvelope(eml: Buffer, email: NonNullable<BundleNotice['email']> & { noticeId: string }, path: string, problem: (message: string, file?: string) => void): void {
  const messageId = headerOf(eml, 'message-id');
  if (messageId !== email.messageId) problem(`Message-ID ${messageId ?? 'missing'}, the manifest says ${email.messageId}`, path);
  const to = [...(headerOf(eml, 'to') ?? '').matchAll(ADDRESS)].map((match) => match[0].toLowerCase()).sort();
  const envelope = email.to.map((address) => address.toLowerCase()).sort();
  if (to.join(',') !== envelope.join(',')) problem(`addressed to ${to.join(', ') || 'nobody'}, the manifest sends it to ${envelope.join(', ')}`, path);
}

/** The manifest, when it has the shape this version writes; every way it does not is a problem. */
function parseManifest(bytes: Buffer, problem: (message: string, file?: string) => void): BundleManifest | undefined {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    problem('not JSON', MANIFEST_NAME);
    return undefined;
  }
  const manifest = value as Partial<BundleManifest> | null;
  if (manifest === null || typeof manifest !== 'object') {
    problem('not a bundle manifest', MANIFEST_NAME);
    return undefined;
  }
  if (manifest.bundleVersion !== BUNDLE_VERSION) problem(`bundle version ${String(manifest.bundleVersion)} is not ${BUNDLE_VERSION}`, MANIFEST_NAME);
  if (typeof manifest.caseRef !== 'string') problem('no case reference', MANIFEST_NAME);
  if (typeof manifest.createdAt !== 'string' || Number.isNaN(Date.parse(manifest.createdAt))) problem('no creation time', MANIFEST_NAME);
  if (!Array.isArray(manifest.notices) || !Array.isArray(manifest.files)) {
    problem('no list of notices and files', MANIFEST_NAME);
    return undefined;
  }
  let sound = manifest.bundleVersion === BUNDLE_VERSION;
  manifest.files.forEach((file: Partial<BundleManifest['files'][number]> | null, index) => {
    const at = `${MANIFEST_NAME} files[${index}]`;
    if (file === null || typeof file !== 'object') {
      problem('not a file entry', at);
      sound = false;
    } else if (typeof file.path !== 'string' || !BUNDLE_PATH.test(file.path)) {
      // A path that could climb out of the bundle (`../x`, `/etc/x`) is never read.
      problem(`path ${JSON.stringify(file.path)} is not a bundle file name`, at);
      sound = false;
    } else if (typeof file.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(file.sha256) || !Number.isSafeInteger(file.size)) {
      problem('no SHA-256 and size', file.path);
      sound = false;
    } else if (!(NOTICE_FORMATS as readonly unknown[]).includes(file.format)) problem(`unknown format ${String(file.format)}`, file.path);
  });
  return sound ? (manifest as BundleManifest) : undefined;
}
