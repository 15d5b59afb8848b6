import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defangHost, defangUrl, headerValue, multiLine, singleLine } from '../../src/notices/render/index.js';
import { isPlainEmailAddress, MAX_SUBJECT_LENGTH } from '../../src/notices/render/escape.js';

// eslint-disable-next-line no-control-regex -- what must never survive
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

describe('escaping for notice formats', () => {
  it('singleLine: CR, LF, NUL, bidi overrides become spaces; nothing else changes', () => {
    expect(singleLine('https://a.example/x\r\nBcc: b@c.example')).toBe('https://a.example/x Bcc: b@c.example');
    expect(singleLine('a\u0000b\u202ec\u2028d\u0085e')).toBe('a b c d e');
    expect(singleLine('  <b>{{reference}}</b> é ')).toBe('<b>{{reference}}</b> é');
  });

  it('multiLine keeps line breaks (normalised to LF) and tabs, drops other controls', () => {
    expect(multiLine('one\r\ntwo\rthree\n\tfour\u0007\u202e')).toBe('one\ntwo\nthree\n\tfour');
  });

  it('headerValue: one line, bounded, for any input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 600 }), (text) => {
        const value = headerValue(text);
        expect(value).not.toMatch(CONTROL);
        expect([...value].length).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
      }),
    );
  });

  it('singleLine and multiLine never let a control character through', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        expect(singleLine(text)).not.toMatch(CONTROL);
        expect(multiLine(text).replace(/[\n\t]/g, '')).not.toMatch(CONTROL);
      }),
    );
  });

  it('defangUrl: no live scheme, no dot in the host; the path stays readable', () => {
    expect(defangUrl('https://images.example.fr/a.b/c?d=e.f')).toBe('hxxps://images[.]example[.]fr/a.b/c?d=e.f');
    expect(defangUrl('HTTP://user@198.51.100.7:8080/')).toBe('hxxp://user[@]198[.]51[.]100[.]7:8080/');
    expect(defangUrl('ftp://files.example/x')).toBe('ftp[:]://files[.]example/x');
    expect(defangUrl('not a url.example')).toBe('not a url[.]example');
    expect(defangHost('пример.рф')).toBe('пример[.]рф');
    fc.assert(
      fc.property(fc.webUrl(), (url) => {
        const defanged = defangUrl(url);
        expect(defanged).not.toMatch(/^https?:\/\//i);
        const host = /^hxxps?:\/\/([^/?#]*)/.exec(defanged)?.[1] ?? '';
        expect(host.replaceAll('[.]', '')).not.toContain('.');
      }),
    );
  });

  it('isPlainEmailAddress accepts one address and nothing else', () => {
    expect(isPlainEmailAddress('abuse@host.example')).toBe(true);
    expect(isPlainEmailAddress('abuse+notices@sub.host-1.example')).toBe(true);
    for (const bad of ['abuse', 'a@b', 'a b@c.example', 'a@b.example\r\nBcc: x@y.example', '"a"@b.example', 'a@b.example,c@d.example', '<a@b.example>', 'https://b.example/']) {
      expect(isPlainEmailAddress(bad), bad).toBe(false);
    }
  });
});
