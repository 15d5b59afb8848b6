/**
 * Escaping of user- and web-derived strings for the formats notices are written in. Every string a renderer takes from
 * a notice goes through one of these: a URL with CR/LF must not add a mail header, a description holding HTML or
 * Handlebars syntax must stay text, and a link must not be one click away in formats whose readers make links.
 */

/**
 * C0 and C1 control characters, DEL, Unicode line/paragraph separators, and the bidirectional overrides and isolates
 * (a host name can be made to read backwards: "Trojan Source").
 */
// eslint-disable-next-line no-control-regex -- these are the characters being removed
const LINE_BREAKING_OR_HIDDEN = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\ufeff]/gu;
// eslint-disable-next-line no-control-regex -- idem, keeping LF and tab
const HIDDEN_IN_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\ufeff]/gu;

/** One line of text: every control or line-breaking character becomes a space, runs of spaces collapse. */
export function singleLine(text: string): string {
  return text.replace(LINE_BREAKING_OR_HIDDEN, ' ').replace(/ {2,}/g, ' ').trim();
}

/** Free text over several lines: line ends normalised to LF, tabs kept, every other control character removed. */
export function multiLine(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(HIDDEN_IN_TEXT, '').trim();
}

/** Longest subject we write; longer ones (a 300-character URL in the domain slot) are cut with an ellipsis. */
export const MAX_SUBJECT_LENGTH = 200;

/** A mail header value: one line, no control character, bounded (nodemailer then encodes it as RFC 2047 wants). */
export function headerValue(text: string, maxLength = MAX_SUBJECT_LENGTH): string {
  const line = singleLine(text);
  const chars = [...line];
  return chars.length > maxLength ? `${chars.slice(0, maxLength - 1).join('')}…` : line;
}

/** `example.com` → `example[.]com`; also for IPv4 addresses. IPv6 addresses have no dot and stay as they are. */
export function defangHost(host: string): string {
  return host.replaceAll('.', '[.]');
}

const URL_PARTS = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)(.*)$/isu;

/**
 * `https://example.com/a.b` → `hxxps://example[.]com/a.b`: the scheme no longer makes a link and the host's dots are
 * bracketed (the path is left readable). A string that is not a URL with an authority has its dots bracketed.
 */
export function defangUrl(url: string): string {
  const parts = URL_PARTS.exec(url);
  if (!parts) return defangHost(url);
  const [, scheme = '', authority = '', rest = ''] = parts;
  const lower = scheme.toLowerCase();
  const defangedScheme = lower === 'http' || lower === 'https' ? lower.replace(/^http/, 'hxxp') : `${lower}[:]`;
  const at = authority.lastIndexOf('@');
  const userinfo = at >= 0 ? `${authority.slice(0, at).replaceAll('@', '[@]')}[@]` : '';
  const hostPort = at >= 0 ? authority.slice(at + 1) : authority;
  return `${defangedScheme}://${userinfo}${defangHost(hostPort)}${rest}`;
}

/**
 * An e-mail address we are willing to write in a To/From header: one address, ASCII or UTF-8 local part without
 * spaces, quotes, brackets or separators, a host name. Anything else (a name, a URL, two addresses, a CRLF) is refused
 * by the caller with a clear message rather than passed to the mail library to interpret.
 */
export function isPlainEmailAddress(address: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are refused
  return /^[^\s@<>()[\]",;:\\\u0000-\u001f\u007f]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/iu.test(
    address,
  );
}
