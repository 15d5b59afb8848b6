/**
 * The one decoder of HTML/XML character references in the project (meta refresh targets, NCMEC XML): one pass, so
 * `&amp;lt;` is `&lt;` and `&#38;lt;` is `&lt;` (never `<`), and an out-of-range number gives U+FFFD instead of
 * throwing. Only the five XML names are known; any other `&name;` is left as written.
 */
const NAMED = new Map([['amp', '&'], ['lt', '<'], ['gt', '>'], ['quot', '"'], ['apos', "'"]]);

export function decodeEntities(text: string): string {
  return text.replace(/&(#[xX][0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (whole, name: string) => {
    if (name[0] !== '#') return NAMED.get(name) ?? whole;
    const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1));
    const valid = Number.isSafeInteger(code) && code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
    return valid ? String.fromCodePoint(code) : '\ufffd';
  });
}
