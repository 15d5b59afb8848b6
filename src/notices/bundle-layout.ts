/**
 * What a notice bundle holds and how its files are named; shared by the writer (bundle.ts), `verify.ts` and `send.ts`.
 *
 * ```
 * <bundle>/                         (a folder, or the same tree in a .zip)
 *   manifest.json                   every file's SHA-256 and size, generator, case reference, creation time
 *   manifest.json.sig               Ed25519 signature of manifest.json's bytes (with --sign), as `vigie hashset sign`
 *   <role>-<name>-<key hash>/       one folder per recipient
 *     <reference>.txt .eml .pdf .json .xarf.json
 * ```
 * The send log is outside the signed part: `sent.jsonl` in a bundle folder (never listed in the manifest), or
 * `<name>.sent.jsonl` beside `<name>.zip`.
 */
import { createHash } from 'node:crypto';
import type { NoticeKind, RecipientRole } from '../core/notice.js';
import type { NoticeFormat } from './render/index.js';

export const BUNDLE_VERSION = 1;
export const MANIFEST_NAME = 'manifest.json';
export const SIGNATURE_NAME = 'manifest.json.sig';
export const SENT_LOG_NAME = 'sent.jsonl';

/** One file of the bundle, as the manifest lists it. */
export interface BundleFile {
  /** Relative path with `/` separators: `<recipient folder>/<file name>`. */
  path: string;
  /** Lowercase hex SHA-256 of the file's bytes. */
  sha256: string;
  /** Size in bytes. */
  size: number;
  /** The notice this file renders. */
  noticeId: string;
  format: NoticeFormat;
}

/** One notice of the bundle, as the manifest lists it. */
export interface BundleNotice {
  id: string;
  kind: NoticeKind;
  /** The reference the recipient sees. */
  reference: string;
  /** Its recipient folder in the bundle. */
  folder: string;
  recipient: { role: RecipientRole; name: string; country?: string; email?: string };
  /**
   * For notices with an `.eml`: the SMTP envelope (`from` = the notifier's contact address, `to` = the recipient's
   * abuse address) and the message's Message-ID, which `send` logs and uses to never send a message twice.
   */
  email?: { file: string; messageId: string; from: string; to: string[] };
}

/** `manifest.json`. Keys are written in this order, so the same bundle gives the same bytes. */
export interface BundleManifest {
  bundleVersion: typeof BUNDLE_VERSION;
  generator: { name: 'vigie'; version: string };
  /** The case the notices are drafted for. */
  caseRef: string;
  /** When the bundle was made (UTC; `--now` fixes it, which makes the bundle reproducible). */
  createdAt: string;
  /** In the order the notices were given. */
  notices: BundleNotice[];
  /** Sorted by path. */
  files: BundleFile[];
}

const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/;

/**
 * A file or folder name made of `[a-z0-9._-]`, at most `max` characters, that cannot climb out of its folder
 * (`../../etc` → `etc`) or be hidden: accents are dropped, anything else becomes `-`. A name that had to be cut is
 * given 8 hex digits of the original's SHA-256, so two long names that share their beginning stay apart. Returns
 * `fallback` when nothing usable is left (a name in Cyrillic, say).
 */
export function safeName(text: string, max = 80, fallback = 'notice'): string {
  let name = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, '-')
    // A dot stays only between two letters or digits (`example.com`); `..` and leading dots go.
    .replace(/(?<![a-z0-9])\.|\.(?![a-z0-9])/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '');
  if (RESERVED.test(name)) name = `_${name}`;
  if (name.length > max) name = `${name.slice(0, max - 9).replace(/[-.]+$/, '')}-${shortHash(text)}`;
  return name === '' ? fallback : name;
}

export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/** The recipient's folder: role and name for people, plus a hash of the recipient key so that two recipients never share one. */
export function recipientFolder(role: string, name: string, key: string): string {
  const readable = safeName(`${role}-${name}`, Number.MAX_SAFE_INTEGER, role).slice(0, 48).replace(/[-.]+$/, '');
  return `${readable}-${shortHash(key.toLowerCase())}`;
}

/** A path as the manifest may list it: `<folder>/<file>`, both made by `safeName`. */
export const BUNDLE_PATH = /^[a-z0-9_][a-z0-9._-]{0,99}\/[a-z0-9_][a-z0-9._-]{0,119}$/;

/** Where `send` logs what it sent: inside a bundle folder, beside a zip. */
export function sentLogPath(bundle: string, isZip: boolean): string {
  return isZip ? `${bundle.replace(/\.zip$/i, '')}.${SENT_LOG_NAME}` : `${bundle.replace(/\/+$/, '')}/${SENT_LOG_NAME}`;
}

/** A header's unfolded value from a message's header block (ASCII header names; first occurrence). */
export function headerOf(message: Uint8Array, name: string): string | undefined {
  const text = Buffer.from(message.buffer, message.byteOffset, Math.min(message.length, 64 * 1024)).toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const lines = (end < 0 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/);
  const wanted = `${name.toLowerCase()}:`;
  const line = lines.find((candidate) => candidate.toLowerCase().startsWith(wanted));
  return line?.slice(wanted.length).trim();
}

/** Stable JSON text of a manifest (two-space indented, final newline). */
export function manifestText(manifest: BundleManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
