import type { ImportContext } from '../import-context.js';
import { readLines, type TextLine } from '../../core/lines.js';

/** U+FFFD appears where bytes were not UTF-8; NUL never appears in a text list. */
const isBinary = (text: string) => text.includes('\u0000') || text.includes('\ufffd');

/**
 * The non-blank lines of a text list, trimmed, without `#` comments: lines over the maximum length and binary
 * garbage are skipped with their reason here, so that format readers only see text.
 */
export async function* contentLines(context: ImportContext, comment = /^#/): AsyncGenerator<TextLine> {
  for await (const line of readLines(context.path, { maxLineBytes: context.maxLineBytes })) {
    if (line.overlong !== undefined) {
      context.skip(line.number, `over-long line: ${line.overlong} bytes, the maximum is ${context.maxLineBytes} (--max-line-length)`);
      continue;
    }
    const text = line.text.trim();
    if (text === '' || comment.test(text)) continue;
    if (isBinary(text)) {
      context.skip(line.number, 'binary data, not text');
      continue;
    }
    yield { number: line.number, text };
  }
}
