/**
 * The project's one line reader: hash lists, `vigie hash` records, path lists. Line ends LF or CRLF; a UTF-8 BOM is
 * dropped and UTF-16 with a BOM (Windows exports) is transcoded, so that every reader sees the same text whatever
 * tool wrote the file; a line longer than the cap is reported as such, never buffered.
 */
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { VigieError } from './errors.js';

/** Lines longer than this are refused (and skipped, never buffered): no hash-list line comes close. */
export const DEFAULT_MAX_LINE_BYTES = 1 << 20;

export interface TextLine {
  /** 1-based. */
  number: number;
  /** Without the line break (LF or CRLF) and without a BOM. Empty when `overlong`. */
  text: string;
  /** Set when the line exceeded the maximum: its length in bytes; its content was dropped while streaming. */
  overlong?: number;
}

export interface ReadLinesOptions {
  maxLineBytes?: number;
  /** Named in the error when the file cannot be opened (default: the path). */
  label?: string;
}

const LF = 0x0a;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * UTF-8 chunks from raw ones: a UTF-16 file (told by its BOM) is transcoded as it streams, a UTF-8 BOM dropped; the
 * first bytes are held until the BOM can be told apart from content.
 */
async function* utf8Chunks(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let head: Buffer | undefined = Buffer.alloc(0);
  let utf16: 'le' | 'be' | undefined;
  // UTF-16 carry: an odd last byte, and a high surrogate whose pair is in the next chunk.
  let odd: Buffer | undefined;
  let surrogate = '';
  for await (const raw of chunks) {
    let chunk = raw;
    if (head) {
      head = Buffer.concat([head, chunk]);
      if (head.length < 3) continue;
      chunk = head;
      head = undefined;
      if (isUtf16(chunk)) {
        utf16 = chunk[0] === 0xfe ? 'be' : 'le';
        chunk = chunk.subarray(2);
      } else if (chunk.subarray(0, 3).equals(UTF8_BOM)) chunk = chunk.subarray(3);
    }
    if (!utf16) {
      yield chunk;
      continue;
    }
    const joined = odd ? Buffer.concat([odd, chunk]) : Buffer.from(chunk);
    const even = joined.length & ~1;
    odd = even < joined.length ? joined.subarray(even) : undefined;
    const pairs = joined.subarray(0, even);
    let text = surrogate + (utf16 === 'be' ? pairs.swap16() : pairs).toString('utf16le');
    const last = text.charCodeAt(text.length - 1);
    surrogate = last >= 0xd800 && last <= 0xdbff ? text.slice(-1) : '';
    if (surrogate) text = text.slice(0, -1);
    yield Buffer.from(text, 'utf8');
  }
  if (head && head.length > 0 && !isUtf16(head)) yield head; // a file shorter than a UTF-8 BOM
  if (surrogate || odd) yield Buffer.from('\ufffd', 'utf8');
}

/** The chunks of a file, with a missing or unreadable file as one clear input error. */
async function* fileChunks(path: string, label: string): AsyncGenerator<Buffer> {
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) yield chunk;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    throw new VigieError(code === 'ENOENT' ? 'not-found' : 'unreadable', `cannot read ${label}: ${code}`);
  }
}

/**
 * The lines of a file (a path) or a stream (stdin), streamed: memory holds one chunk plus at most one line of
 * `maxLineBytes`, whatever the size of the file or of its longest line.
 */
export async function* readLines(
  source: string | AsyncIterable<Buffer>,
  options: ReadLinesOptions = {},
): AsyncGenerator<TextLine> {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const raw = typeof source === 'string' ? fileChunks(source, options.label ?? source) : source;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let overlongBytes = 0;
  let number = 0;
  const finish = (tail: Buffer): TextLine => {
    number++;
    if (overlongBytes > 0) {
      const line = { number, text: '', overlong: overlongBytes + tail.length };
      overlongBytes = 0;
      return line;
    }
    let bytes = pending.length === 0 ? tail : Buffer.concat([...pending, tail]);
    pending = [];
    pendingBytes = 0;
    if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
    return { number, text: bytes.toString('utf8') };
  };
  const keep = (part: Buffer) => {
    if (overlongBytes > 0 || pendingBytes + part.length > maxLineBytes) {
      overlongBytes += pendingBytes + part.length;
      pending = [];
      pendingBytes = 0;
      return;
    }
    pending.push(part);
    pendingBytes += part.length;
  };
  for await (const chunk of utf8Chunks(raw)) {
    let start = 0;
    for (let end = chunk.indexOf(LF, start); end !== -1; end = chunk.indexOf(LF, start)) {
      const part = chunk.subarray(start, end);
      if (overlongBytes > 0 || pendingBytes + part.length > maxLineBytes) {
        keep(part);
        yield finish(Buffer.alloc(0));
      } else {
        yield finish(part);
      }
      start = end + 1;
    }
    // Copy the remainder: the chunk's memory must not be pinned by a line that spans chunks.
    if (start < chunk.length) keep(Buffer.from(chunk.subarray(start)));
  }
  if (pendingBytes > 0 || overlongBytes > 0) yield finish(Buffer.alloc(0));
}

/**
 * The text of a file as decoded strings, chunk by chunk, by the same encoding rules as `readLines` (for readers of
 * documents that are not line-oriented: XML, JSON).
 */
export async function* readTextChunks(path: string, label = path): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  for await (const chunk of utf8Chunks(fileChunks(path, label))) yield decoder.write(chunk);
  const rest = decoder.end();
  if (rest) yield rest;
}

/** The lines of a text already in memory, by the same rules (BOM dropped, LF or CRLF). */
export function linesOf(text: string): string[] {
  const lines = text.replace(/^\ufeff/, '').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}

/**
 * The text of the first bytes of a file (format sniffing) decoded as `readLines` decodes the whole: UTF-16 by its
 * BOM, a UTF-8 BOM dropped.
 */
export function decodeHead(head: Buffer): string {
  if (head[0] === 0xff && head[1] === 0xfe) return head.subarray(2, head.length & ~1).toString('utf16le');
  if (head[0] === 0xfe && head[1] === 0xff) return Buffer.from(head.subarray(2, head.length & ~1)).swap16().toString('utf16le');
  return head.toString('utf8').replace(/^\ufeff/, '');
}

/** True when the bytes start with a UTF-16 byte-order mark (their NULs are text, not binary data). */
export const isUtf16 = (head: Buffer) => (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);
