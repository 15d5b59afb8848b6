/**
 * From whatever an analyst pasted to one canonical URL: refanged, trimmed, schemed, parsed as a browser would
 * (WHATWG), host in punycode and Unicode, fragment dropped. Percent-escapes and query order are left as given.
 */
import { isIP } from 'node:net';
import type { ErrorCode } from '../core/errors.js';
import { domainToUnicode } from 'node:url';
import { getDomain } from 'tldts';
import type { ErrorInfo, UrlFlag } from '../core/resolution.js';
import { isShortener } from './shorteners.js';

/** Longer inputs are refused before any parsing work: browsers and servers cap far lower in practice. */
export const MAX_URL_LENGTH = 32 * 1024;

export interface CleanUrl {
  url: URL;
  /** Lowercase punycode host, without IPv6 brackets. */
  asciiHost: string;
  unicodeHost: string;
  registrableDomain?: string;
  flags: UrlFlag[];
}

export type CleanResult = { ok: true; value: CleanUrl } | { ok: false; error: ErrorInfo };

/** Defanging conventions seen in reports and threat feeds, applied before parsing. */
const REFANG_RULES: [RegExp, string][] = [
  [/\[:\/\/\]|\(:\/\/\)|\{:\/\/\}/g, '://'],
  [/\[\/\/\]/g, '//'],
  [/\[:\]|\(:\)|\{:\}/g, ':'],
  [/\[\/\]/g, '/'],
  [/\\\//g, '/'],
  [/\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\}|\[\.|\.\]/gi, '.'],
  [/\\\./g, '.'],
  [/^h(?:xx|xxx|\*\*|\[x\]\[x\])p(s?):\/\//i, 'http$1://'],
  [/^(https?)\/\//i, '$1://'],
  [/^fxp:\/\//i, 'ftp://'],
];

const WRAPPERS: [string, string][] = [
  ['"', '"'],
  ["'", "'"],
  ['`', '`'],
  ['<', '>'],
  ['(', ')'],
  ['[', ']'],
  ['{', '}'],
  ['\u201c', '\u201d'],
  ['\u2018', '\u2019'],
  ['\u00ab', '\u00bb'],
];

const TRAILING_PUNCTUATION = /[.,;:!?'"\u201d\u2019\u00bb>]+$/;

function unwrap(text: string): string {
  let value = text.trim();
  for (let changed = true; changed; ) {
    changed = false;
    for (const [open, close] of WRAPPERS) {
      if (value.length >= 2 && value.startsWith(open) && value.endsWith(close)) {
        value = value.slice(open.length, -close.length).trim();
        changed = true;
      }
    }
    const trimmed = value.replace(TRAILING_PUNCTUATION, '');
    // A closing bracket ends the URL only when it has no partner inside it (Wikipedia's "Foo_(bar)" keeps its own).
    const unbalanced = trimmed.replace(/[)\]]$/, (bracket) => (count(trimmed, bracket === ')' ? '(' : '[') < count(trimmed, bracket) ? '' : bracket));
    if (unbalanced !== value) {
      value = unbalanced;
      changed = true;
    }
  }
  return value;
}

function count(text: string, character: string): number {
  return text.split(character).length - 1;
}

const UNSUPPORTED_SCHEME = /^(javascript|data|mailto|file|about|blob|tel|ftp|ftps|sftp|ssh|ws|wss|magnet|irc|news|gopher):/i;

function fail(code: ErrorCode, message: string): CleanResult {
  return { ok: false, error: { code, message } };
}

/** Refang, trim and parse one input line. Never throws: bad input comes back as `{ ok: false, error }`. */
export function cleanUrl(input: string): CleanResult {
  if (input.length > MAX_URL_LENGTH) return fail('url-too-long', `URL of ${input.length} characters (limit ${MAX_URL_LENGTH})`);
  const flags: UrlFlag[] = [];
  let text = unwrap(input);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(text)) return fail('invalid-url', 'URL contains control characters (NUL, newline, …)');
  const refanged = REFANG_RULES.reduce((value, [pattern, replacement]) => value.replace(pattern, replacement), text);
  if (refanged !== text) flags.push('defanged');
  text = unwrap(refanged);
  if (text === '') return fail('invalid-url', 'empty URL');
  if (UNSUPPORTED_SCHEME.test(text)) return fail('unsupported-scheme', `only http and https URLs are resolved, not ${text.split(':')[0].toLowerCase()}:`);
  if (text.startsWith('//')) text = `http:${text}`;
  else if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text) && !/^https?:/i.test(text)) {
    text = `http://${text}`;
    flags.push('scheme-added');
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail('invalid-url', 'not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return fail('unsupported-scheme', `only http and https URLs are resolved, not ${url.protocol}`);
  }
  if (url.hostname === '') return fail('invalid-url', 'URL has no host');
  url.hash = '';
  const asciiHost = url.hostname.replace(/^\[|\]$/g, '');
  const ipLiteral = isIP(asciiHost) !== 0;
  const unicodeHost = ipLiteral ? asciiHost : domainToUnicode(asciiHost) || asciiHost;
  const registrableDomain = ipLiteral ? undefined : (getDomain(asciiHost, { allowPrivateDomains: true }) ?? undefined);
  if (ipLiteral) flags.push('ip-literal');
  if (asciiHost.split('.').some((label) => label.startsWith('xn--'))) flags.push('idn');
  if (/\.onion\.?$/.test(asciiHost)) flags.push('onion');
  if (/^\/ip[fn]s\//.test(url.pathname) || /\.ip[fn]s\./.test(asciiHost)) flags.push('ipfs');
  if (!ipLiteral && isShortener(asciiHost)) flags.push('shortener');
  if (url.username !== '' || url.password !== '') flags.push('userinfo');
  if (url.port !== '') flags.push('non-default-port');
  return { ok: true, value: { url, asciiHost, unicodeHost, registrableDomain, flags } };
}
