/**
 * Writes a notice bundle (layout in bundle-layout.ts): notices are rendered one at a time and each file goes to disk
 * as soon as it is made, so memory does not grow with the number of recipients; the manifest is written last, then
 * signed, and only then does the bundle appear at its path (a folder renamed into place, or a zip committed by
 * rename). An error or an abort removes everything that was written.
 *
 * Reproducible: file contents depend only on the notices and their renderers, the manifest only on those files and
 * `now`, and the zip's entries are in a fixed order with `now` as their time; Ed25519 signatures are deterministic.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { toSeconds } from '../core/clock.js';
import { createAtomicDirectory, createAtomicWriteStream, type AtomicDirectory } from '../core/atomic.js';
import { ExitCode, VigieError } from '../core/errors.js';
import { recipientKey, type Notice } from '../core/notice.js';
import { readKey, signatureText } from '../core/signing.js';
import {
  BUNDLE_VERSION,
  MANIFEST_NAME,
  SIGNATURE_NAME,
  manifestText,
  headerOf,
  recipientFolder,
  safeName,
  shortHash,
  type BundleFile,
  type BundleManifest,
  type BundleNotice,
} from './bundle-layout.js';
import { FORMAT_EXTENSIONS, NOTICE_FORMATS, formatsFor, renderNotice, type NoticeFormat, type RenderOptions } from './render/index.js';

/** Renders one notice in one format; `undefined` when the format does not apply to it (no `.eml` for PHAROS). */
export type RenderNotice = (notice: Notice, format: NoticeFormat) => Promise<Uint8Array | string | undefined>;

export interface BundleOptions {
  /** A folder, or a file ending `.zip`. Must not exist. */
  output: string;
  /** Default: all. */
  formats?: readonly NoticeFormat[];
  /** Language, templates, defanging, for the shipped renderers. */
  renderOptions?: RenderOptions;
  /** Replaces the shipped renderers (the benchmark's baseline writes pre-rendered bytes through this). */
  render?: RenderNotice;
  /** The bundle's creation time (default: the clock); the same `now` and input give the same bytes. */
  now?: Date;
  /** Ed25519 private key (PEM, from `vigie hashset keygen`) to sign the manifest with. */
  signingKey?: string;
  /** Stops the run between two notices; what was written is removed. */
  signal?: AbortSignal;
}

export interface BundleSummary {
  output: string;
  zip: boolean;
  caseRef: string;
  createdAt: string;
  notices: number;
  files: number;
  /** Bytes of the notice files (the manifest and signature excluded). */
  bytes: number;
  /** SHA-256 of manifest.json: what the signature covers, and a short way to name this exact bundle. */
  manifestSha256: string;
  keyId?: string;
}

const isZipPath = (path: string) => /\.zip$/i.test(path);

export async function writeBundle(notices: Iterable<Notice> | AsyncIterable<Notice>, options: BundleOptions): Promise<BundleSummary> {
  const formats = checkFormats(options.formats ?? NOTICE_FORMATS);
  const createdAt = toSeconds((options.now ?? new Date()).toISOString());
  // Read the key first: a bad key fails before any work.
  const key = options.signingKey === undefined ? undefined : await readKey(options.signingKey, 'private');
  const render: RenderNotice =
    options.render ?? ((notice, format) => (formatsFor(notice).includes(format) ? renderNotice(notice, format, options.renderOptions) : Promise.resolve(undefined)));
  const parent = dirname(options.output);
  if (!(await stat(parent).then((info) => info.isDirectory(), () => false))) {
    throw new VigieError('not-found', `cannot write ${options.output}: ${parent} is not a folder`);
  }
  const zip = isZipPath(options.output);
  const staging = zip ? await stagingDirectory(options.output) : await createAtomicDirectory(options.output);
  try {
    const state: WriteState = { dir: staging.path, folders: new Map(), names: new Set(), notices: [], files: [], bytes: 0 };
    let caseRef: string | undefined;
    let version: string | undefined;
    for await (const notice of notices) {
      if (options.signal?.aborted) throw abortError(options.signal);
      if (caseRef !== undefined && notice.caseRef !== caseRef) {
        throw new VigieError('mixed-cases', `a bundle holds one case: notice ${notice.reference} is for case ${notice.caseRef}, not ${caseRef}`);
      }
      caseRef = notice.caseRef;
      version ??= notice.generator.version;
      await addNotice(state, notice, formats, render);
    }
    if (options.signal?.aborted) throw abortError(options.signal);
    if (caseRef === undefined || version === undefined) throw new VigieError('no-notices', 'nothing to bundle: the input gives no notice');
    state.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const manifest: BundleManifest = {
      bundleVersion: BUNDLE_VERSION,
      generator: { name: 'vigie', version },
      caseRef,
      createdAt,
      notices: state.notices,
      files: state.files,
    };
    const text = Buffer.from(manifestText(manifest));
    await writeFile(join(staging.path, MANIFEST_NAME), text, { mode: 0o644 });
    const signature = key ? signatureText(text, key) : undefined;
    if (signature) await writeFile(join(staging.path, SIGNATURE_NAME), signature.text, { mode: 0o644 });
    if (zip) await writeZip(options.output, staging.path, manifest, signature !== undefined, options.signal);
    await staging.commit();
    return {
      output: options.output,
      zip,
      caseRef,
      createdAt,
      notices: state.notices.length,
      files: state.files.length,
      bytes: state.bytes,
      manifestSha256: createHash('sha256').update(text).digest('hex'),
      keyId: signature?.keyId,
    };
  } catch (error) {
    await staging.abort();
    throw error;
  }
}

function checkFormats(formats: readonly string[]): NoticeFormat[] {
  const unknown = formats.filter((format) => !(NOTICE_FORMATS as readonly string[]).includes(format));
  if (unknown.length > 0) {
    throw new VigieError('bad-format', `unknown format ${unknown.join(', ')}: choose among ${NOTICE_FORMATS.join(', ')}`, ExitCode.usage);
  }
  if (formats.length === 0) throw new VigieError('bad-format', `no format given: choose among ${NOTICE_FORMATS.join(', ')}`, ExitCode.usage);
  return NOTICE_FORMATS.filter((format) => formats.includes(format));
}

/** Exit status of a run stopped by a signal (128 + SIGINT's number; the CLI gives 143 for SIGTERM). */
const INTERRUPTED = 130 as ExitCode;

function abortError(signal: AbortSignal): VigieError {
  const reason: unknown = signal.reason;
  return new VigieError('interrupted', `interrupted${typeof reason === 'string' ? ` (${reason})` : ''}: no bundle written`, INTERRUPTED, { cause: reason });
}

interface WriteState {
  dir: string;
  /** Recipient key → folder, and folders already made. */
  folders: Map<string, string>;
  /** Every relative path written, to keep two notices' files apart. */
  names: Set<string>;
  notices: BundleNotice[];
  files: BundleFile[];
  bytes: number;
}

async function addNotice(state: WriteState, notice: Notice, formats: NoticeFormat[], render: RenderNotice): Promise<void> {
  const key = `${notice.recipient.role}\u0000${recipientKey(notice.recipient)}`;
  let folder = state.folders.get(key);
  if (folder === undefined) {
    folder = recipientFolder(notice.recipient.role, notice.recipient.name, key);
    state.folders.set(key, folder);
    await mkdir(join(state.dir, folder), { mode: 0o755 });
  }
  let stem = safeName(notice.reference, 100, `notice-${notice.id.slice(0, 8)}`);
  // Two notices with one reference for one recipient (a hand-edited case): the id keeps their files apart.
  if (state.names.has(`${folder}/${stem}`)) stem = `${stem.slice(0, 90)}-${shortHash(notice.id)}`;
  state.names.add(`${folder}/${stem}`);

  const entry: BundleNotice = {
    id: notice.id,
    kind: notice.kind,
    reference: notice.reference,
    folder,
    recipient: {
      role: notice.recipient.role,
      name: notice.recipient.name,
      ...(notice.recipient.country === undefined ? {} : { country: notice.recipient.country }),
      ...(notice.recipient.abuseContact?.email === undefined ? {} : { email: notice.recipient.abuseContact.email }),
    },
  };
  for (const format of formats) {
    const rendered = await render(notice, format);
    if (rendered === undefined) continue;
    const bytes = typeof rendered === 'string' ? Buffer.from(rendered) : rendered;
    const path = `${folder}/${stem}${FORMAT_EXTENSIONS[format]}`;
    await writeFile(join(state.dir, path), bytes, { mode: 0o644, flag: 'wx' });
    state.files.push({ path, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, noticeId: notice.id, format });
    state.bytes += bytes.length;
    if (format === 'eml') entry.email = emailEnvelope(notice, path, bytes);
  }
  state.notices.push(entry);
}

/** The envelope `send` will use: the notifier's address and the recipient's, and the Message-ID the `.eml` carries. */
function emailEnvelope(notice: Notice, file: string, eml: Uint8Array): BundleNotice['email'] {
  const to = notice.recipient.abuseContact?.email;
  const messageId = headerOf(eml, 'message-id');
  if (to === undefined || messageId === undefined) {
    // The renderer makes an .eml only for a recipient with an address, always with a Message-ID: this is a bug.
    throw new Error(`the .eml of notice ${notice.reference} lacks a ${to === undefined ? 'recipient address' : 'Message-ID'}`);
  }
  return { file, messageId, from: notice.notifier.contactEmail, to: [to] };
}

/** For a zip: files are staged in a hidden sibling folder, removed once the zip is in place (or on failure). */
async function stagingDirectory(output: string): Promise<AtomicDirectory> {
  if (await stat(output).then(() => true, () => false)) throw new VigieError('exists', `${output} exists: give a new output path (it is never overwritten)`, ExitCode.usage);
  const path = await mkdtemp(join(dirname(output), `.${basename(output)}.staging-`));
  const remove = () => rm(path, { recursive: true, force: true });
  return { path, commit: remove, abort: remove };
}

/**
 * The zip: manifest (and signature) first, then the files in the manifest's order, each dated `createdAt` as a DOS
 * time read in UTC (no extended timestamp, which would depend on the machine's time zone), mode 0644, deflated.
 */
async function writeZip(output: string, dir: string, manifest: BundleManifest, signed: boolean, signal?: AbortSignal): Promise<void> {
  const { ZipFile } = await import('yazl');
  const created = new Date(manifest.createdAt);
  // yazl writes the DOS date from local-time fields: give it a date whose local fields are the UTC ones.
  const mtime = new Date(
    created.getUTCFullYear(),
    created.getUTCMonth(),
    created.getUTCDate(),
    created.getUTCHours(),
    created.getUTCMinutes(),
    created.getUTCSeconds(),
  );
  const entryOptions = { mtime, mode: 0o100644, compress: true, forceDosTimestamp: true };
  const zip = new ZipFile();
  const file = createAtomicWriteStream(output, { mode: 0o644 });
  const consumed = new Promise<void>((resolve, reject) => {
    zip.outputStream.once('end', resolve);
    zip.outputStream.once('error', reject);
    file.stream.once('error', reject);
  });
  // The atomic stream is ended by commit(), which then renames it into place.
  zip.outputStream.pipe(file.stream, { end: false });
  const names = [MANIFEST_NAME, ...(signed ? [SIGNATURE_NAME] : []), ...manifest.files.map((entry) => entry.path)];
  for (const name of names) {
    zip.addReadStreamLazy(name, entryOptions, (callback) => {
      if (signal?.aborted) callback(abortError(signal), undefined as never);
      else callback(null, createReadStream(join(dir, name)));
    });
  }
  zip.end();
  try {
    await consumed;
    await file.commit();
  } catch (error) {
    await file.abort();
    throw error;
  }
}
