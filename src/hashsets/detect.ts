import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { VigieError } from '../core/errors.js';
import { decodeHead, isUtf16 } from '../core/lines.js';
import { VPDQ_LINE } from '../core/vpdq-line.js';
import type { FormatName } from './formats/index.js';
import { MD5DEEP_SIZED_LINE, PLAIN_TYPE_BY_LENGTH, TAGGED_LINE } from './formats/plain.js';
import { STORE_MAGIC } from './store-layout.js';

const SNIFF_BYTES = 65536;

export type DetectedFormat = FormatName | 'native';

/**
 * The format of a list from its first 64 KiB: headers and envelopes that only one format has, then line shapes.
 * Anything ambiguous (a 64-hex plain list, a CSV without recognised columns) asks for `--format`/`--type`/`--map`
 * rather than guessing.
 */
export async function detectFormat(path: string): Promise<DetectedFormat> {
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new VigieError(error.code === 'ENOENT' ? 'not-found' : 'unreadable', `cannot read ${path}: ${error.code}`);
  });
  let head: Buffer;
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(SNIFF_BYTES), 0, SNIFF_BYTES, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  const name = basename(path);
  if (head.subarray(0, STORE_MAGIC.length).equals(STORE_MAGIC)) return 'native';
  if (head.includes(0) && !isUtf16(head)) {
    throw new VigieError('bad-input', `${name}:1: binary data, not a hash list (give --format to force one)`);
  }
  const text = decodeHead(head);
  // JSON records and XML may run long on one line; a hash list line never does.
  if (head.length === SNIFF_BYTES && !text.includes('\n') && !/^\s*[{<]/.test(text)) {
    throw new VigieError('bad-input', `${name}:1: over-long line (more than ${SNIFF_BYTES} bytes without a line break): not a hash list`);
  }
  const lines = text.split('\n').map((l) => l.replace(/\r$/, '').trim()).filter((l) => l !== '');
  const first = lines[0] ?? '';
  if (first === '') throw new VigieError('bad-input', `${name}: empty file`);
  if (/^%%%% HASHDEEP-/i.test(first)) return 'hashdeep';
  if (first.startsWith('<')) return 'ncmec';
  if (first.startsWith('{') && /"(@odata\.context|odata\.metadata)"/.test(text)) return 'vics';
  if (first.startsWith('{')) return 'jsonl';
  const header = first.replace(/"/g, '').toLowerCase();
  if (header.startsWith('sha-1,md5,') || header.startsWith('sha-1,filename,')) return 'nsrl';
  if (header.startsWith('signal_type,signal_str')) return 'threatexchange';
  if (header.startsWith('md5;sha1;photodna;image id')) return 'icse';
  const content = lines.filter((l) => !l.startsWith('#')).slice(0, 50);
  // The last sniffed line may be cut off at 64 KiB.
  const whole = content.length > 1 && text.length >= SNIFF_BYTES ? content.slice(0, -1) : content;
  if (whole.length > 0 && whole.every((l) => VPDQ_LINE.test(l))) return 'vpdq';
  if (whole.length > 0 && whole.every((l) => TAGGED_LINE.test(l))) return 'plain';
  // Plain when most lines are hex of one length: a few bad lines (a stray first line) are the importer's to report.
  const lengths = whole.map((l) => /^([0-9a-fA-F]+)(\s|$)/.exec(l)?.[1].length ?? (TAGGED_LINE.test(l) ? -1 : 0));
  if (whole.length > 0 && whole.every((l) => MD5DEEP_SIZED_LINE.test(l))) return 'plain';
  const common = mostCommon(lengths.filter((length) => length !== 0));
  if (common === -1) return 'plain';
  if (common > 0 && lengths.filter((length) => length === common).length * 2 >= lengths.length) {
    if (PLAIN_TYPE_BY_LENGTH[common] === undefined && common !== 64) {
      throw new VigieError('bad-input', `${name}: a plain list of ${common}-digit hashes: give --format plain --type <signal>`);
    }
    return 'plain';
  }
  if (/[,;\t]/.test(first)) return 'csv';
  throw new VigieError('bad-input', `${name}: cannot tell the list's format; give --format (${'plain, hashdeep, nsrl, threatexchange, ncmec, vics, icse, vpdq, csv, jsonl'})`);
}

function mostCommon(values: number[]): number {
  const counts = new Map<number, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].reduce((best, next) => (next[1] > best[1] ? next : best), [0, 0])[0];
}
