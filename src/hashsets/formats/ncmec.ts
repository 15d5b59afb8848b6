import { createReadStream } from 'node:fs';
import type { HashSetEntry } from '../../core/hashset.js';
import { decodeEntities } from '../../core/html-entities.js';
import type { SignalName } from '../../core/signals/index.js';
import { makeCategory } from '../categories.js';
import { ImportContext } from '../import-context.js';
import { countSkip, type ExportSkips, type HashSetFormat } from './format.js';

/** Entry elements of a hash-sharing `queryResult` (python-threatexchange ncmec/hash_api.py). */
const ENTRY_START = /<(image|video|deletedImage|deletedVideo)(?=[\s>/])/i;
/** Fingerprint element names (case-insensitive) that are signals here; PDNA, NETCLEAN, TMK… are counted as ignored. */
const FINGERPRINTS: Record<string, SignalName> = { md5: 'md5', sha1: 'sha1', sha256: 'sha256', pdq: 'pdq' };
export const NCMEC_NAMESPACE = 'https://hashsharing.ncmec.org/hashsharing/v2';

const escapeXml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string);

/** Text of the first child element `name` (case-insensitive), decoded. */
function child(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}\\s*>`, 'i').exec(xml);
  return match ? decodeEntities(match[1].trim()) : undefined;
}

function* entriesOfElement(xml: string, kind: string, context: ImportContext, line: number): Generator<HashSetEntry> {
  if (kind.toLowerCase().startsWith('deleted')) {
    context.ignore('deleted entry (tombstone)');
    return;
  }
  const classification = child(xml, 'classification');
  const extra: Partial<HashSetEntry> = { source: context.options.source ?? 'ncmec', lastSeen: child(xml, 'timestamp') };
  if (classification) {
    const result = makeCategory(context.options.categoryScheme ?? 'ncmec', classification);
    if ('error' in result) return void context.skip(line, result.error);
    extra.category = result.category;
  }
  const member = /<member\s+id="([^"]*)"/i.exec(xml)?.[1];
  const id = child(xml, 'id');
  extra.tags = [...(id ? [`ncmec-id:${id}`] : []), ...(member ? [`ncmec-member:${decodeEntities(member)}`] : []), `media:${kind.toLowerCase()}`];
  const fingerprints = child(xml, 'fingerprints');
  if (fingerprints === undefined) return void context.skip(line, `<${kind}> without <fingerprints>`);
  for (const match of fingerprints.matchAll(/<(\w+)(?:\s[^>]*)?>([\s\S]*?)<\/\1\s*>/g)) {
    const signal = FINGERPRINTS[match[1].toLowerCase()];
    if (!signal) {
      context.ignore(`${match[1].toUpperCase()} fingerprint`);
      continue;
    }
    const entry = context.entry(signal, decodeEntities(match[2]), line, extra);
    if (entry) yield entry;
  }
}

const countLines = (text: string) => {
  let lines = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
};

/**
 * NCMEC hash-sharing API v2 XML (`<queryResult>` pages, as saved from the API). Streams entry elements one at a
 * time; tombstones (`deletedImage`/`deletedVideo`) are counted, not imported. A document that ends before its root
 * element closes is an error with the line where it ended.
 */
export const ncmec: HashSetFormat = {
  name: 'ncmec',
  async *read(context: ImportContext) {
    let buffer = '';
    let line = 1;
    let root: string | undefined;
    let closed = false;
    const consume = (length: number) => {
      line += countLines(buffer.slice(0, length));
      buffer = buffer.slice(length);
    };
    for await (const chunk of createReadStream(context.path, { encoding: 'utf8', highWaterMark: 1 << 20 }) as AsyncIterable<string>) {
      buffer += chunk;
      if (!root) {
        const match = /<([A-Za-z][\w:.-]*)[\s>]/.exec(buffer.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->/g, (m) => ' '.repeat(m.length)));
        if (!match) continue;
        root = match[1];
      }
      while (true) {
        const start = ENTRY_START.exec(buffer);
        if (!start) {
          // Keep a tail that may hold the start of a tag split across chunks.
          if (new RegExp(`</${root}\\s*>`).test(buffer)) closed = true;
          const keep = Math.max(0, buffer.lastIndexOf('<'));
          consume(keep);
          break;
        }
        const kind = start[1];
        const end = new RegExp(`</${kind}\\s*>`, 'i').exec(buffer.slice(start.index));
        if (!end) {
          consume(start.index);
          if (buffer.length > context.maxLineBytes * 16) throw context.fail(line, `<${kind}> element too long`);
          break;
        }
        consume(start.index);
        const element = buffer.slice(0, end.index + end[0].length);
        yield* entriesOfElement(element, kind, context, line);
        consume(element.length);
      }
    }
    if (!root) throw context.fail(line, 'no XML element found');
    if (ENTRY_START.test(buffer)) throw context.fail(line, 'truncated XML: an entry element is not closed');
    if (!closed && !new RegExp(`</${root}\\s*>`).test(buffer)) {
      throw context.fail(line, `truncated XML: the document ends before </${root}>`);
    }
  },
  *write(entries: Iterable<HashSetEntry>, skips: ExportSkips) {
    yield `<?xml version="1.0" encoding="UTF-8"?>\n<queryResult xmlns="${NCMEC_NAMESPACE}">\n<images>\n`;
    for (const entry of entries) {
      if (!Object.values(FINGERPRINTS).includes(entry.signal)) {
        countSkip(skips, `${entry.signal} is not an NCMEC fingerprint`);
        continue;
      }
      const tag = (prefix: string) => entry.tags?.find((t) => t.startsWith(`${prefix}:`))?.slice(prefix.length + 1);
      const member = tag('ncmec-member');
      const id = tag('ncmec-id');
      const parts = [
        member !== undefined ? `<member id="${escapeXml(member)}"/>` : '',
        entry.lastSeen ? `<timestamp>${escapeXml(entry.lastSeen)}</timestamp>` : '',
        id !== undefined ? `<id>${escapeXml(id)}</id>` : '',
        entry.category?.scheme === 'ncmec' ? `<classification>${escapeXml(entry.category.value)}</classification>` : '',
        `<fingerprints><${entry.signal}>${entry.hash}</${entry.signal}></fingerprints>`,
      ];
      yield `<image>${parts.join('')}</image>\n`;
    }
    yield '</images>\n</queryResult>\n';
  },
};
