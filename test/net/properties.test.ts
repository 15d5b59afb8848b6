import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VigieError } from '../../src/core/errors.js';
import { cidrRange, rangeToCidrs, bigIntToIp, ipToBigInt } from '../../src/net/ip.js';
import { assertJsonDepth } from '../../src/net/json-limits.js';
import { RdapBootstrap } from '../../src/net/rdap-bootstrap.js';
import { parseTarget } from '../../src/net/targets.js';
import { parseReferral, parseWhois } from '../../src/net/whois-parse.js';
import { decodeWhois } from '../../src/net/whois-text.js';

describe('hostile input never crashes the parsers', () => {
  it('parseWhois returns facts for any text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), fc.string({ maxLength: 40 }), (text, query) => {
        const facts = parseWhois(text, 'whois.example', query);
        expect(facts.source).toBe('whois:whois.example');
      }),
      { numRuns: 300 },
    );
  });

  it('parseTarget either parses or throws a VigieError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.webUrl(), fc.domain(), fc.ipV4(), fc.ipV6()), (input) => {
        try {
          parseTarget(input);
        } catch (error) {
          expect(error).toBeInstanceOf(VigieError);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('the JSON depth check agrees with the real nesting depth of generated JSON', () => {
    const depthOf = (value: unknown): number =>
      value !== null && typeof value === 'object' ? 1 + Math.max(0, ...Object.values(value).map(depthOf)) : 0;
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
        const text = JSON.stringify(value);
        const depth = depthOf(value);
        expect(() => assertJsonDepth(text, depth, 'x')).not.toThrow();
        if (depth > 0) expect(() => assertJsonDepth(text, depth - 1, 'x')).toThrow(/deeper than/);
      }),
      { numRuns: 300 },
    );
  });

  it('rangeToCidrs covers exactly the range', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.nat({ max: 100_000 }), (start, length) => {
        const first = ipToBigInt(start);
        const last = first + BigInt(length) > 0xffffffffn ? 0xffffffffn : first + BigInt(length);
        const blocks = rangeToCidrs(bigIntToIp(first, 4), bigIntToIp(last, 4)).map((block) => cidrRange(block)!);
        expect(ipToBigInt(blocks[0].start)).toBe(first);
        expect(ipToBigInt(blocks.at(-1)!.end)).toBe(last);
        for (let i = 1; i < blocks.length; i++) expect(ipToBigInt(blocks[i].start)).toBe(ipToBigInt(blocks[i - 1].end) + 1n);
      }),
      { numRuns: 200 },
    );
  });
});

describe('small pieces', () => {
  it('referral forms: whois://host, whois://host:port, bare host, rwhois', () => {
    expect(parseReferral('whois://whois.ripe.net:43', 'referralserver')).toMatchObject({ host: 'whois.ripe.net', port: 43, scheme: 'whois' });
    expect(parseReferral('whois://whois.apnic.net', 'referralserver')).toMatchObject({ host: 'whois.apnic.net', port: 43 });
    expect(parseReferral('WHOIS.ENOM.COM', 'registrar whois server')).toMatchObject({ host: 'whois.enom.com', field: 'Registrar WHOIS Server' });
    expect(parseReferral('rwhois://rwhois.example.net:4321', 'referralserver')).toMatchObject({ scheme: 'rwhois', port: 4321 });
    expect(parseReferral('http://not a server', 'whois')).toBeUndefined();
  });

  it('decodes UTF-8, and falls back to Latin-1 for bytes that are not UTF-8', () => {
    expect(decodeWhois(Buffer.from('Linköping', 'utf8'))).toBe('Linköping');
    expect(decodeWhois(Buffer.from('Société Générale', 'latin1'))).toBe('Société Générale');
  });

  it('bootstrap matching: longest IP prefix, ASN ranges, longest DNS suffix, https preferred', async () => {
    const bootstrap = await RdapBootstrap.load();
    expect(bootstrap.forIp('193.0.6.139')).toBe('https://rdap.db.ripe.net/');
    expect(bootstrap.forIp('41.1.1.1')).toBe('https://rdap.afrinic.net/rdap/');
    expect(bootstrap.forIp('2001:67c::1')).toMatch(/^https:\/\//);
    expect(bootstrap.forAsn(15169)).toBe('https://rdap.arin.net/registry/');
    expect(bootstrap.forDomain('www.example.com')).toBe('https://rdap.verisign.com/com/v1/');
    expect(bootstrap.forDomain('example.de')).toBeUndefined();
  });

  it('parseTarget: URL, IPv6 URL, domain, public suffix refused', () => {
    expect(parseTarget('https://www.Example.co.uk/a?b')).toMatchObject({ kind: 'url', host: 'www.example.co.uk', registryDomain: 'example.co.uk' });
    expect(parseTarget('http://[2001:db8::1]:8080/')).toMatchObject({ kind: 'url', addresses: ['2001:db8::1'] });
    expect(() => parseTarget('co.uk')).toThrow(/registrable domain/);
  });

  it('parseTarget: the two domains are two named fields (private suffixes kept in one, not in the other)', () => {
    expect(parseTarget('alice.blogspot.com')).toMatchObject({ kind: 'domain', registrableDomain: 'alice.blogspot.com', registryDomain: 'blogspot.com' });
    expect(parseTarget('https://www.bbc.co.uk/news')).toMatchObject({ registrableDomain: 'bbc.co.uk', registryDomain: 'bbc.co.uk' });
  });

  it('parseTarget: pasted forms are cleaned as vigie resolve cleans them; an address may carry a port', () => {
    // Before: `hxxp://…` was "not a valid URL", and `62.239.237.1:80` was taken for a domain and refused.
    expect(parseTarget('hxxp://example[.]com/a')).toMatchObject({ kind: 'url', host: 'example.com', registryDomain: 'example.com' });
    expect(parseTarget('"https://example.com/x",')).toMatchObject({ kind: 'url', host: 'example.com' });
    expect(parseTarget('example[.]com')).toMatchObject({ kind: 'domain', host: 'example.com' });
    expect(parseTarget('62.239.237.1:80')).toMatchObject({ kind: 'ip', addresses: ['62.239.237.1'] });
    expect(parseTarget('[2001:db8::1]:443')).toMatchObject({ kind: 'ip', addresses: ['2001:db8::1'] });
    expect(parseTarget('hxxp://62.239.237[.]1/x')).toMatchObject({ kind: 'url', addresses: ['62.239.237.1'] });
    expect(() => parseTarget('exa mple')).toThrow(/not a URL, domain or IP address/);
  });
});
