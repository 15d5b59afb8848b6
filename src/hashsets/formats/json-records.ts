import { readTextChunks } from '../../core/lines.js';
import type { ImportContext } from '../import-context.js';

export interface JsonRecord {
  /** Line where the record's `{` is. */
  line: number;
  text: string;
}

/**
 * Streams the objects that are elements of the top-level array `arrayKey` (OData's `value`) out of one large JSON
 * document, without holding the document: a character scanner tracks strings and nesting,
 * captures each such object's text, and hands it over as it closes. `envelope` receives the top-level string
 * fields seen so far (e.g. `@odata.context`). A document that ends early is an error with the line it ended on.
 */
export async function* jsonRecords(
  context: ImportContext,
  arrayKey: string,
  envelope: Record<string, string>,
): AsyncGenerator<JsonRecord> {
  const stack: ('{' | '[')[] = [];
  /** Key of each open container (the key it is the value of). */
  const keys: (string | undefined)[] = [];
  let inString = false;
  let escaped = false;
  let stringStart = -1;
  let stringParts: string[] = [];
  let lastString: string | undefined;
  let pendingKey: string | undefined;
  let line = 1;
  let capture: { depth: number; parts: string[]; line: number; bytes: number } | undefined;
  let started = false;
  for await (const chunk of readTextChunks(context.path)) {
    let captureFrom = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === 10) line++;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 92) escaped = true;
        else if (c === 34) {
          inString = false;
          if (stringStart >= 0 && stack.length === 1) {
            stringParts.push(chunk.slice(stringStart, i));
            lastString = stringParts.join('');
          }
          stringStart = -1;
        }
        continue;
      }
      if (c === 32 || c === 10 || c === 13 || c === 9) continue;
      if (!started) {
        started = true;
        if (c === 0xfeff) continue;
        if (c !== 123) throw context.fail(line, 'not a JSON object');
      }
      if (c === 34) {
        inString = true;
        // Only top-level strings (envelope keys and values) are kept; the rest is captured as record text.
        stringStart = stack.length === 1 ? i + 1 : -1;
        stringParts = [];
        continue;
      }
      if (c === 58) {
        pendingKey = lastString;
        lastString = undefined;
        continue;
      }
      if (c === 44 || c === 125 || c === 93) {
        if (stack.length === 1 && pendingKey !== undefined && lastString !== undefined && c !== 93) {
          envelope[pendingKey] = lastString;
        }
        if (c === 44) {
          if (stack.length === 1) pendingKey = lastString = undefined;
          continue;
        }
        const open = stack.pop();
        keys.pop();
        if (open === undefined || (open === '{') !== (c === 125)) throw context.fail(line, 'JSON brackets do not match');
        if (capture && stack.length === capture.depth) {
          capture.parts.push(chunk.slice(captureFrom, i + 1));
          yield { line: capture.line, text: capture.parts.join('') };
          capture = undefined;
        }
        if (stack.length === 1) pendingKey = lastString = undefined;
        continue;
      }
      if (c === 123 || c === 91) {
        const key = stack.length === 1 ? pendingKey : undefined;
        if (!capture && c === 123 && stack.length === 2 && stack[1] === '[' && keys[1] === arrayKey) {
          capture = { depth: stack.length, parts: [], line, bytes: 0 };
          captureFrom = i;
        }
        stack.push(c === 123 ? '{' : '[');
        keys.push(key);
        lastString = undefined;
      }
    }
    if (capture) {
      capture.parts.push(chunk.slice(captureFrom));
      capture.bytes += chunk.length - captureFrom;
      captureFrom = 0;
      if (capture.bytes > context.maxLineBytes * 16) {
        throw context.fail(capture.line, `record longer than ${context.maxLineBytes * 16} characters`);
      }
    }
    if (inString && stringStart >= 0) {
      stringParts.push(chunk.slice(stringStart));
      stringStart = 0;
    }
  }
  if (!started) throw context.fail(line, 'empty file, no JSON document');
  if (stack.length > 0 || inString) {
    throw context.fail(line, `truncated JSON: the document ends inside ${inString ? 'a string' : `${stack.length} open bracket(s)`}`);
  }
}
