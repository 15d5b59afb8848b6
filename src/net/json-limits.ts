import { VigieError } from '../core/errors.js';

/**
 * Throws when `text` nests arrays/objects deeper than `maxDepth`. Checked before JSON.parse, which would otherwise
 * recurse as deep as a hostile server likes (10,000 levels cost a stack overflow in some consumers, and no real RDAP
 * answer nests more than a dozen levels).
 */
export function assertJsonDepth(text: string, maxDepth: number, what: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c) i++; // backslash: skip the escaped character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x7b || char === 0x5b) {
      if (++depth > maxDepth) throw new VigieError('too-deep', `${what}: JSON nested deeper than ${maxDepth} levels`);
    } else if (char === 0x7d || char === 0x5d) depth--;
  }
}

/** JSON.parse with the depth check first and a one-line error naming the source. */
export function parseJsonLimited(text: string, maxDepth: number, what: string): unknown {
  assertJsonDepth(text, maxDepth, what);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new VigieError('invalid-json', `${what}: invalid JSON (${(error as Error).message.split('\n')[0]})`);
  }
}
