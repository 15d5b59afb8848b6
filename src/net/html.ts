import { decodeEntities } from '../core/html-entities.js';

/** The target of an HTML `<meta http-equiv="refresh" content="N; url=…">`, or undefined. Comments are skipped. */
export function findMetaRefresh(html: string): string | undefined {
  const text = html.replace(/<!--[\s\S]*?-->/g, '');
  for (const [tag] of text.matchAll(/<meta\b[^>]*>/gi)) {
    const attributes = new Map<string, string>();
    for (const match of tag.matchAll(/([a-z][a-z0-9:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/gi)) {
      attributes.set(match[1].toLowerCase(), match[2] ?? match[3] ?? match[4] ?? '');
    }
    if (attributes.get('http-equiv')?.trim().toLowerCase() !== 'refresh') continue;
    const content = decodeEntities(attributes.get('content') ?? '');
    // HTML's "shared declarative refresh steps": a delay, then ; or , then optionally url=, optionally quoted.
    const target = /^\s*[\d.]*\s*[;,]?\s*(?:url\s*=\s*)?(["']?)(.*?)\1\s*$/i.exec(content)?.[2];
    if (target) return target;
  }
  return undefined;
}
