import { readTextChunks } from '../../core/lines.js';
import type { HashSetEntry } from '../../core/hashset.js';
import type { SignalName } from '../../core/signals/index.js';
import { makeCategory } from '../../core/categories.js';
import { ImportContext } from '../import-context.js';
import { countSkip, type ExportSkips, type HashSetFormat } from './format.js';

/** Entry elements of a hash-sharing `queryResult` (python-threatexchange ncmec/hash_api.py). */
const ENTRY_START = /<(image|video|deletedImage|deletedVideo)(?=[\s>/])/i;
/** Fingerprint element names (case-insensitive) that are signals here; PDNA, NETCLEAN, TMK… are counted as ignored. */
const FINGERPRINTS: Record<string, SignalName> = { md5: 'md5', sha1: 'sha1', sha256: 'sha256', pdq: 'pdq' };
export const NCMEC_NAMESPACE = 'https://hashsharing.ncmec.org/hashsharing/v2';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
function decodeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, name: string) => {
    if (name[0] === '#') return String.fromCodePoint(Number(name[1] === 'x' || name[1] === 'X' ? `0${name.slice(1)}` : name.slice(1)));
    return ENTITIES[name] ?? whole;
  });
}
const escapeXml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string);

/** Text of the first child element `name` (case-insensitive), decoded. */
function child(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}\\s*>`, 'i').exec(xml);
  return match ? decodeXml(match[1].trim()) : undefined;
}

/** Names of the fingerprints the store cannot hold, as NCMEC's enum spells them (the rest are upper-cased). */
const IGNORED_NAMES: Record<string, string> = {
  PDNA: 'PhotoDNA',
  TMK_PDQF: 'TMK+PDQF',
  VIDENTIFIER: 'Videntifier',
  NETCLEAN: 'NetClean',
  SSVH_PDNA: 'SSVH PhotoDNA',
  SSVH_SAFER_HASH: 'SSVH Safer hash',
};

/** One entry element of a page: an update of NCMEC entry `key` (member and id), or its deletion. */
export interface NcmecUpdate {
  /** `member-id`, as python-threatexchange keys its fetch state; absent when the element has no id. */
  key?: string;
  deleted: boolean;
  entries: HashSetEntry[];
}

function updateOfElement(xml: string, kind: string, context: ImportContext, line: number): NcmecUpdate {
  const member = /<member\s+id="([^"]*)"/i.exec(xml)?.[1];
  const id = child(xml, 'id');
  const key = id === undefined ? undefined : `${member === undefined ? '' : decodeXml(member)}-${id}`;
  if (kind.toLowerCase().startsWith('deleted')) return { key, deleted: true, entries: [] };
  const update: NcmecUpdate = { key, deleted: false, entries: [] };
  const classification = child(xml, 'classification');
  const extra: Partial<HashSetEntry> = { source: context.options.source ?? 'ncmec', lastSeen: child(xml, 'timestamp') };
  if (classification) {
    const result = makeCategory(context.options.categoryScheme ?? 'ncmec', classification);
    if ('error' in result) return (context.skip(line, result.error), update);
    extra.category = result.category;
  }
  extra.tags = [...(id ? [`ncmec-id:${id}`] : []), ...(member ? [`ncmec-member:${decodeXml(member)}`] : []), `media:${kind.toLowerCase()}`];
  const fingerprints = child(xml, 'fingerprints');
  if (fingerprints === undefined) return (context.skip(line, `<${kind}> without <fingerprints>`), update);
  for (const match of fingerprints.matchAll(/<(\w+)(?:\s[^>]*)?>([\s\S]*?)<\/\1\s*>/g)) {
    const signal = FINGERPRINTS[match[1].toLowerCase()];
    if (!signal) {
      const name = match[1].toUpperCase();
      context.ignore(`${IGNORED_NAMES[name] ?? name} fingerprint`);
      continue;
    }
    const entry = context.entry(signal, decodeXml(match[2]), line, extra);
    if (entry) update.entries.push(entry);
  }
  return update;
}

/**
 * The entries left once updates apply in order, as python-threatexchange's fetch applies them: a later update of
 * the same entry replaces it whole (a re-classification keeps the later one only), a tombstone deletes it. Entries
 * without an id are kept as they come. Memory holds the identified entries until the last page is read.
 */
export async function* applyNcmecUpdates(
  updates: AsyncIterable<{ update: NcmecUpdate; context: ImportContext }>,
): AsyncGenerator<HashSetEntry> {
  const latest = new Map<string, { update: NcmecUpdate; context: ImportContext }>();
  const drop = (previous: { update: NcmecUpdate; context: ImportContext } | undefined, why: string) => {
    for (const entry of previous?.update.entries ?? []) {
      const { counts } = previous!.context;
      counts[entry.signal] = (counts[entry.signal] ?? 1) - 1;
      previous!.context.ignore(why);
    }
  };
  for await (const item of updates) {
    const { key, deleted, entries } = item.update;
    if (key === undefined) {
      if (deleted) item.context.ignore('tombstone without an id');
      yield* entries;
      continue;
    }
    const previous = latest.get(key);
    if (deleted) {
      if (previous) drop(previous, 'hash deleted by a later tombstone');
      else item.context.ignore('tombstone of an entry not in these pages');
      latest.delete(key);
      continue;
    }
    drop(previous, 'hash replaced by a later update of its entry');
    // Delete first: a re-listed entry takes the place of its last update.
    latest.delete(key);
    latest.set(key, item);
  }
  for (const { update } of latest.values()) yield* update.entries;
}

async function* withContext(updates: AsyncIterable<NcmecUpdate>, context: ImportContext) {
  for await (const update of updates) yield { update, context };
}

const countLines = (text: string) => {
  let lines = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
};

/**
 * NCMEC hash-sharing API v2 XML (`<queryResult>` pages, as saved from the API). Streams entry elements one at a
 * time; updates apply in order (applyNcmecUpdates). A document that ends before its root element closes is an
 * error with the line where it ended.
 */
/** The entry elements of one page, in document order, as updates. */
export async function* ncmecUpdates(context: ImportContext): AsyncGenerator<NcmecUpdate> {
    let buffer = '';
    let line = 1;
    let root: string | undefined;
    let closed = false;
    const consume = (length: number) => {
      line += countLines(buffer.slice(0, length));
      buffer = buffer.slice(length);
    };
    for await (const chunk of readTextChunks(context.path)) {
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
        yield updateOfElement(element, kind, context, line);
        consume(element.length);
      }
    }
    if (!root) throw context.fail(line, 'no XML element found');
    if (ENTRY_START.test(buffer)) throw context.fail(line, 'truncated XML: an entry element is not closed');
    if (!closed && !new RegExp(`</${root}\\s*>`).test(buffer)) {
      throw context.fail(line, `truncated XML: the document ends before </${root}>`);
    }
  }

export const ncmec: HashSetFormat = {
  name: 'ncmec',
  read(context: ImportContext) {
    return applyNcmecUpdates(withContext(ncmecUpdates(context), context));
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
