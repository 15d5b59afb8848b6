import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanUrl, MAX_URL_LENGTH } from '../../src/net/url.js';

type Row = [input: string, expected: string, extra?: { domain?: string; flags?: string[]; unicode?: string }];

/** Real-world defanged and malformed forms (threat feeds, abuse reports, chat pastes) → the cleaned URL. */
const CLEANED: Row[] = [
  ['hxxp://example.com/a', 'http://example.com/a', { flags: ['defanged'] }],
  ['hxxps://example.com/a', 'https://example.com/a', { flags: ['defanged'] }],
  ['hXXp://example.com', 'http://example.com/'],
  ['HXXPS://EXAMPLE.COM/Path', 'https://example.com/Path'],
  ['hxxxp://example.com', 'http://example.com/'],
  ['h**p://example.com', 'http://example.com/'],
  ['h[x][x]ps://example.com', 'https://example.com/'],
  ['example[.]com', 'http://example.com/', { flags: ['defanged', 'scheme-added'] }],
  ['example(.)com', 'http://example.com/'],
  ['example{.}com', 'http://example.com/'],
  ['example[dot]com', 'http://example.com/'],
  ['example(dot)com/x', 'http://example.com/x'],
  ['example[DOT]com', 'http://example.com/'],
  ['example[.com', 'http://example.com/'],
  ['example.]com', 'http://example.com/'],
  ['example\\.com', 'http://example.com/'],
  ['http[:]//example.com', 'http://example.com/'],
  ['https[:]//example.com/p', 'https://example.com/p'],
  ['hxxps[:]//example[.]com/p', 'https://example.com/p'],
  ['http[://]example.com', 'http://example.com/'],
  ['hxxp[://]example[.]com', 'http://example.com/'],
  ['https(:)//example.com', 'https://example.com/'],
  ['http:[//]example.com', 'http://example.com/'],
  ['http:[/][/]example.com/a[/]b', 'http://example.com/a/b'],
  ['http:\\/\\/example.com\\/a', 'http://example.com/a'],
  ['http//example.com/a', 'http://example.com/a'],
  ['  http://example.com/  ', 'http://example.com/'],
  ['"http://example.com/a"', 'http://example.com/a'],
  ["'http://example.com/a'", 'http://example.com/a'],
  ['<http://example.com/a>', 'http://example.com/a'],
  ['(http://example.com/a)', 'http://example.com/a'],
  ['[http://example.com/a]', 'http://example.com/a'],
  ['`http://example.com/a`', 'http://example.com/a'],
  ['\u201chttp://example.com/a\u201d', 'http://example.com/a'],
  ['http://example.com/a.', 'http://example.com/a'],
  ['http://example.com/a,', 'http://example.com/a'],
  ['http://example.com/a).', 'http://example.com/a'],
  ['http://example.com/a!?', 'http://example.com/a'],
  ['http://en.wikipedia.org/wiki/Foo_(bar)', 'http://en.wikipedia.org/wiki/Foo_(bar)'],
  ['(http://en.wikipedia.org/wiki/Foo_(bar))', 'http://en.wikipedia.org/wiki/Foo_(bar)'],
  ['example.com', 'http://example.com/', { flags: ['scheme-added'] }],
  ['www.example.com/path?q=1', 'http://www.example.com/path?q=1'],
  ['//example.com/x', 'http://example.com/x'],
  ['example.com:8080/x', 'http://example.com:8080/x', { flags: ['non-default-port'] }],
  ['http://example.com:80/', 'http://example.com/'],
  ['https://example.com:443/', 'https://example.com/'],
  ['HTTP://WWW.EXAMPLE.COM/CaseKept?Q=Kept', 'http://www.example.com/CaseKept?Q=Kept'],
  ['http://example.com/a#fragment', 'http://example.com/a'],
  ['http://example.com/?b=2&a=1&a=0', 'http://example.com/?b=2&a=1&a=0'],
  ['http://example.com/%7Euser/%2F%41', 'http://example.com/%7Euser/%2F%41'],
  ['http://example.com/a b', 'http://example.com/a%20b'],
  ['http://example.com./', 'http://example.com./'],
  ['http:example.com/x', 'http://example.com/x'],
  ['http:\\\\example.com\\x', 'http://example.com/x'],
  ['http://münchen.de/', 'http://xn--mnchen-3ya.de/', { unicode: 'münchen.de', flags: ['idn'], domain: 'xn--mnchen-3ya.de' }],
  ['http://xn--mnchen-3ya.de/', 'http://xn--mnchen-3ya.de/', { unicode: 'münchen.de' }],
  ['http://пример.рф/путь', 'http://xn--e1afmkfd.xn--p1ai/%D0%BF%D1%83%D1%82%D1%8C'],
  ['http://ＥＸＡＭＰＬＥ．com/', 'http://example.com/'],
  ['http://192.168.1.1/', 'http://192.168.1.1/', { flags: ['ip-literal'] }],
  ['192[.]168[.]1[.]1/admin', 'http://192.168.1.1/admin', { flags: ['ip-literal', 'defanged'] }],
  ['http://0x7f.1/', 'http://127.0.0.1/', { flags: ['ip-literal'] }],
  ['http://2130706433/', 'http://127.0.0.1/'],
  ['http://[::1]:8080/', 'http://[::1]:8080/', { flags: ['ip-literal', 'non-default-port'] }],
  ['http://[2001:DB8::1]/', 'http://[2001:db8::1]/'],
  ['http://user:pass@example.com/', 'http://user:pass@example.com/', { flags: ['userinfo'] }],
  ['https://paypal.com@evil.example/', 'https://paypal.com@evil.example/', { flags: ['userinfo'] }],
  ['alice.blogspot.com/post', 'http://alice.blogspot.com/post', { domain: 'alice.blogspot.com' }],
  ['https://bob.github.io/x', 'https://bob.github.io/x', { domain: 'bob.github.io' }],
  ['https://www.bbc.co.uk/news', 'https://www.bbc.co.uk/news', { domain: 'bbc.co.uk' }],
  ['https://a.b.example.com.au/', 'https://a.b.example.com.au/', { domain: 'example.com.au' }],
  ['bit[.]ly/3xYz', 'http://bit.ly/3xYz', { flags: ['shortener'] }],
  ['https://tinyurl.com/abc', 'https://tinyurl.com/abc', { flags: ['shortener'] }],
  ['https://www.bit.ly/abc', 'https://www.bit.ly/abc', { flags: ['shortener'] }],
  ['http://expyuzz4wqqyqhjn.onion/', 'http://expyuzz4wqqyqhjn.onion/', { flags: ['onion'] }],
  ['https://ipfs.io/ipfs/QmXoypizjW3WknFiJnKLwHCnL72vedxjQkDDP1mXWo6uco', 'https://ipfs.io/ipfs/QmXoypizjW3WknFiJnKLwHCnL72vedxjQkDDP1mXWo6uco', { flags: ['ipfs'] }],
  ['https://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi.ipfs.dweb.link/', 'https://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi.ipfs.dweb.link/', { flags: ['ipfs'] }],
  ['https://gateway.example/ipns/docs.ipfs.tech/', 'https://gateway.example/ipns/docs.ipfs.tech/', { flags: ['ipfs'] }],
];

const REJECTED: [string, string][] = [
  ['', 'invalid-url'],
  ['   ', 'invalid-url'],
  ['http://', 'invalid-url'],
  ['http://exa mple.com/', 'invalid-url'],
  ['http://example.com/\u0000x', 'invalid-url'],
  ['http://exa\u0007mple.com/', 'invalid-url'],
  ['http://example.com/a\nb', 'invalid-url'],
  ['javascript:alert(1)', 'unsupported-scheme'],
  ['mailto:abuse@example.com', 'unsupported-scheme'],
  ['ftp://example.com/file', 'unsupported-scheme'],
  ['fxp://example.com/file', 'unsupported-scheme'],
  ['data:text/html,hello', 'unsupported-scheme'],
  ['gopher://example.com/', 'unsupported-scheme'],
  ['http://[::1/', 'invalid-url'],
  ['http://999.999.999.999/', 'invalid-url'],
];

describe('cleanUrl: refang and normalise', () => {
  it('has at least 60 real-world forms', () => {
    expect(CLEANED.length + REJECTED.length).toBeGreaterThanOrEqual(60);
  });

  it.each(CLEANED)('%s → %s', (input, expected, extra) => {
    const result = cleanUrl(input);
    if (!result.ok) throw new Error(`rejected: ${result.error.message}`);
    expect(result.value.url.href).toBe(expected);
    if (extra?.domain) expect(result.value.registrableDomain).toBe(extra.domain);
    if (extra?.unicode) expect(result.value.unicodeHost).toBe(extra.unicode);
    for (const flag of extra?.flags ?? []) expect(result.value.flags).toContain(flag);
  });

  it.each(REJECTED)('rejects %j with %s', (input, code) => {
    const result = cleanUrl(input);
    expect(result.ok ? 'accepted' : result.error.code).toBe(code);
  });

  it('does not flag plain input', () => {
    const result = cleanUrl('https://www.example.com/a?b=c');
    expect(result.ok && result.value.flags).toEqual([]);
  });

  it('refuses a 1 MB URL at once with a clear error', () => {
    const result = cleanUrl(`http://example.com/${'a'.repeat(1024 * 1024)}`);
    expect(result.ok ? 'accepted' : result.error).toEqual({
      code: 'url-too-long',
      message: `URL of ${1024 * 1024 + 19} characters (limit ${MAX_URL_LENGTH})`,
    });
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (input) => {
        const result = cleanUrl(input);
        if (result.ok) expect(['http:', 'https:']).toContain(result.value.url.protocol);
        else expect(result.error.message.length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('URLs pasted with quotes, brackets, commas and trailing punctuation', () => {
  const cleaned = (input: string) => {
    const result = cleanUrl(input);
    return result.ok ? result.value.url.href : result.error.code;
  };
  it.each([
    [`'"http://host.example/x",'`],
    [`"http://host.example/x",`],
    [`"http://host.example/x";`],
    [`<http://host.example/x>,`],
    [`("http://host.example/x")`],
    [`[http://host.example/x],`],
    [`"hxxp://host[.]example/x",`],
    [`http://host.example/x.`],
  ])('%s is http://host.example/x', (input) => {
    expect(cleaned(input)).toBe('http://host.example/x');
  });

  it('keeps brackets and quotes that belong to the URL', () => {
    expect(cleaned(`'http://host.example/a_(b)'`)).toBe('http://host.example/a_(b)');
    expect(cleaned(`http://host.example/it's`)).toBe("http://host.example/it's");
  });
});
