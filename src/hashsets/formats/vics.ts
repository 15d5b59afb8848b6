import type { HashSetEntry } from '../../core/hashset.js';
import { isKnownScheme, makeCategory } from '../../core/categories.js';
import { ImportContext } from '../import-context.js';
import { countSkip, type ExportSkips, type HashSetFormat } from './format.js';
import { jsonRecords } from './json-records.js';

type Json = Record<string, unknown>;

/** `…/ProjectVic/DataModels/<version>.xml[/<Profile>/$metadata]#<Set>` (IPED, GLEAPP, X-Ways; hash-formats.md §3). */
const CONTEXT_URL = /ProjectVic\/DataModels\/(\d+(?:\.\d+)*)\.xml(?:\/([A-Za-z]+)\/\$metadata)?#(\w+)/i;
const PROFILE_SCHEMES: Record<string, string> = { default: 'vics-us', us: 'vics-us', uk: 'vics-uk', custom: 'vics-custom' };
export const VICS_CONTEXT = 'http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Media';

/** Where a VICS document says its categories come from, and whether that was assumed. */
function schemeOf(context: ImportContext, url: string): string {
  if (context.options.categoryScheme) return context.options.categoryScheme;
  const match = CONTEXT_URL.exec(url) as RegExpExecArray;
  if (match[2]) return PROFILE_SCHEMES[match[2].toLowerCase()] ?? `vics-${match[2].toLowerCase()}`;
  context.warn(`VICS ${match[1]} declares no category profile: categories read as vics-us (set --category-scheme to change)`);
  return 'vics-us';
}

const text = (value: unknown) => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');

/** `Tags` is a string or an array; `Series` becomes a `series:` tag. */
function tagsOf(media: Json): string[] {
  const tags = Array.isArray(media.Tags) ? media.Tags.map(text) : text(media.Tags).split(/[,;]/);
  const series = text(media.Series).trim();
  return [...tags.map((t) => t.trim()).filter(Boolean), ...(series ? [`series:${series}`] : [])];
}

/** PhotoDNA appears top-level or as `{HashName, HashValue}` objects; either way it cannot be stored here. */
function countAlternativeHashes(media: Json, context: ImportContext): void {
  if (media.PhotoDNA) context.ignore('PhotoDNA hash');
  for (const value of Object.values(media)) {
    if (!Array.isArray(value)) continue;
    for (const item of value as Json[]) {
      if (item && typeof item === 'object' && typeof item.HashName === 'string') context.ignore(`${item.HashName} hash`);
    }
  }
}

function* mediaEntries(media: Json, context: ImportContext, line: number, scheme: string): Generator<HashSetEntry> {
  if (!media || typeof media !== 'object') return void context.skip(line, 'Media is not an object');
  const extra: Partial<HashSetEntry> = { tags: tagsOf(media), source: context.options.source ?? 'project-vic' };
  // Trust Category only (IsPrecategorized may be set while Category is null: GLEAPP).
  if (media.Category !== undefined && media.Category !== null) {
    const result = makeCategory(scheme, text(media.Category));
    if ('error' in result) return void context.skip(line, result.error);
    if (!isKnownScheme(scheme)) context.warn(`category labels of scheme ${scheme} are not known: values kept as given`);
    extra.category = result.category;
  }
  const size = media.MediaSize;
  if (size !== undefined && size !== null) {
    if (!Number.isSafeInteger(Number(size)) || Number(size) < 0) return void context.skip(line, 'MediaSize is not a whole number');
    extra.fileSize = Number(size);
  }
  const files = Array.isArray(media.MediaFiles) ? (media.MediaFiles as Json[]) : [];
  extra.fileName = text(media.RelativeFilePath) || text(files[0]?.FileName) || text(media.FileName) || undefined;
  extra.lastSeen = text(media.DateUpdated) || undefined;
  countAlternativeHashes(media, context);
  let any = false;
  for (const [field, signal] of [['MD5', 'md5'], ['SHA1', 'sha1'], ['SHA256', 'sha256']] as const) {
    if (!text(media[field])) continue;
    any = true;
    const entry = context.entry(signal, text(media[field]), line, extra);
    if (entry) yield entry;
  }
  if (!any) context.skip(line, 'Media without MD5, SHA1 or SHA256');
}

/**
 * Project VIC VICS OData JSON, 1.x (`odata.metadata`) and 2.0 (`@odata.context`), `#Media` (flat) or `#Cases`
 * (cases holding `Media[]`). Records stream one by one; the category scheme is the one the document declares.
 */
export const vics: HashSetFormat = {
  name: 'vics',
  async *read(context: ImportContext) {
    const envelope: Record<string, string> = {};
    let scheme: string | undefined;
    let cases = false;
    for await (const record of jsonRecords(context, 'value', envelope)) {
      if (scheme === undefined) {
        const url = envelope['@odata.context'] ?? envelope['odata.metadata'] ?? '';
        if (!CONTEXT_URL.test(url)) {
          throw context.fail(record.line, 'no Project VIC "@odata.context" or "odata.metadata" before "value"');
        }
        scheme = schemeOf(context, url);
        cases = /#Cases/i.test(url);
      }
      let object: Json;
      try {
        object = JSON.parse(record.text) as Json;
      } catch {
        context.skip(record.line, 'record is not valid JSON');
        continue;
      }
      if (!cases) yield* mediaEntries(object, context, record.line, scheme);
      else if (!Array.isArray(object.Media)) context.skip(record.line, 'Case without a Media array');
      else for (const media of object.Media as Json[]) yield* mediaEntries(media, context, record.line, scheme);
    }
  },
  *write(entries: Iterable<HashSetEntry>, skips: ExportSkips) {
    yield `{"@odata.context":${JSON.stringify(VICS_CONTEXT)},"value":[`;
    let id = 0;
    for (const entry of entries) {
      const field = ({ md5: 'MD5', sha1: 'SHA1', sha256: 'SHA256' } as Record<string, string>)[entry.signal];
      if (!field) {
        countSkip(skips, `${entry.signal} is not a VICS hash`);
        continue;
      }
      const media: Json = { MediaID: ++id, [field]: entry.hash.toUpperCase() };
      if (entry.category?.scheme === 'vics-us') media.Category = Number(entry.category.value);
      if (entry.fileSize !== undefined) media.MediaSize = entry.fileSize;
      if (entry.lastSeen) media.DateUpdated = entry.lastSeen;
      if (entry.fileName) media.RelativeFilePath = entry.fileName;
      const series = entry.tags?.find((t) => t.startsWith('series:'));
      const tags = entry.tags?.filter((t) => t !== series) ?? [];
      if (series) media.Series = series.slice('series:'.length);
      if (tags.length > 0) media.Tags = tags;
      yield `${id > 1 ? ',' : ''}\n${JSON.stringify(media)}`;
    }
    yield '\n]}\n';
  },
};
