import { createReadStream } from 'node:fs';

/** Lines longer than this are refused (and skipped, never buffered): no hash-list line comes close. */
export const DEFAULT_MAX_LINE_BYTES = 1 << 20;

export interface TextLine {
  /** 1-based. */
  number: number;
  /** Without the line break (LF or CRLF) and, on line 1, without a UTF-8 BOM. Empty when `overlong`. */
  text: string;
  /** Set when the line exceeded the maximum: its length in bytes; its content was dropped while streaming. */
  overlong?: number;
}

const LF = 0x0a;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * The lines of a file, streamed: memory holds one chunk plus at most one line of `maxLineBytes`, whatever the size
 * of the file or of its longest line.
 */
export async function* readLines(path: string, maxLineBytes = DEFAULT_MAX_LINE_BYTES): AsyncGenerator<TextLine> {
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
    if (number === 1 && bytes.subarray(0, 3).equals(BOM)) bytes = bytes.subarray(3);
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
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
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
