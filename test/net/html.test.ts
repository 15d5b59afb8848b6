import { describe, expect, it } from 'vitest';
import { decodeEntities } from '../../src/core/html-entities.js';
import { findMetaRefresh } from '../../src/net/html.js';

describe('the one HTML entity decoder', () => {
  it('decodes in one pass: an escaped reference stays a reference', () => {
    // The former meta-refresh decoder ran one replace per entity and turned `&#38;lt;` into `<`.
    expect(decodeEntities('&#38;lt;')).toBe('&lt;');
    expect(decodeEntities('&amp;lt;')).toBe('&lt;');
    expect(decodeEntities('a&amp;b&#x3D;c&#61;d&quot;&apos;&gt;')).toBe(`a&b=c=d"'>`);
  });

  it('never throws on hostile numbers, leaves unknown names as written', () => {
    // The former NCMEC decoder threw a RangeError on code points past U+10FFFF.
    expect(decodeEntities('&#x110000;&#99999999999999999999;&#0;&#xD800;')).toBe('\ufffd\ufffd\ufffd\ufffd');
    expect(decodeEntities('&nbsp;&constructor;&toString;')).toBe('&nbsp;&constructor;&toString;');
  });

  it('is the one meta refresh and NCMEC use', () => {
    expect(findMetaRefresh('<meta http-equiv="refresh" content="0;url=/a?x=1&amp;y=&#38;lt;">')).toBe('/a?x=1&y=&lt;');
  });
});
