/**
 * The data files people edit (data/notices/): legal categories, INHOPE member hotlines. Read once, checked on load so
 * a bad edit is one clear error rather than a wrong notice.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { VigieError } from '../core/errors.js';
import { parseYamlText } from './yaml.js';

/** data/notices/ of the installed package. */
export const NOTICES_DATA_DIR = fileURLToPath(new URL('../../data/notices/', import.meta.url));

/** One legal category (data/notices/categories.yaml, notices.md §2.1). */
export interface LegalCategory {
  code: string;
  label: { fr: string; en: string };
  articles: string[];
  /** The PHAROS form category it is reported under. */
  pharos: string;
  /** Child sexual abuse material: DSA art. 16(2)(c) exemption, never described beyond its classification. */
  csam: boolean;
  /** Usually a DSA art. 18 case (threat to life or safety). */
  dsaArt18: boolean;
  /** XARF v4 `type` in category `content`, or null. */
  xarfType: string | null;
  source: string;
}

export interface CategoryTable {
  source: string;
  date: string;
  categories: LegalCategory[];
  byCode: Map<string, LegalCategory>;
}

/** One INHOPE member hotline (data/notices/inhope-hotlines.yaml). */
export interface InhopeHotline {
  country: string;
  name: string;
  website: string;
  /** Membership, name or website to be checked against INHOPE's list. */
  uncertain?: boolean;
}

export interface HotlineTable {
  source: string;
  /** Whether the list was checked against the source page. */
  checked: boolean;
  date: string;
  hotlines: InhopeHotline[];
  /** Hotlines by country, in file order. */
  byCountry: Map<string, InhopeHotline[]>;
}

const cache = new Map<string, Promise<unknown>>();

function cached<T>(key: string, load: () => Promise<T>): Promise<T> {
  let value = cache.get(key) as Promise<T> | undefined;
  if (!value) {
    value = load();
    cache.set(key, value);
    value.catch(() => cache.delete(key));
  }
  return value;
}

export async function readDataYaml(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new VigieError('unreadable', `cannot read ${path}: ${code}`);
  }
  return await parseYamlText(text, path);
}

function bad(path: string, what: string): never {
  throw new VigieError('bad-data-file', `${path}: ${what}`);
}

const isString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** The legal categories table (default: the shipped one). */
export function loadCategories(path = `${NOTICES_DATA_DIR}categories.yaml`): Promise<CategoryTable> {
  return cached(`categories:${path}`, async () => {
    const data = (await readDataYaml(path)) as { source?: unknown; date?: unknown; categories?: unknown };
    if (!Array.isArray(data?.categories)) bad(path, 'expected a `categories` list');
    const byCode = new Map<string, LegalCategory>();
    data.categories.forEach((entry: Partial<LegalCategory>, index: number) => {
      const where = `categories[${index}]`;
      if (!isString(entry.code)) bad(path, `${where}.code is missing`);
      if (!isString(entry.label?.fr) || !isString(entry.label?.en)) bad(path, `${where}.label needs fr and en`);
      if (!Array.isArray(entry.articles) || !entry.articles.every(isString)) bad(path, `${where}.articles is not a list of strings`);
      if (typeof entry.csam !== 'boolean' || typeof entry.dsaArt18 !== 'boolean') bad(path, `${where}: csam and dsaArt18 must be true or false`);
      if (byCode.has(entry.code)) bad(path, `${where}.code "${entry.code}" is listed twice`);
      byCode.set(entry.code, {
        code: entry.code,
        label: { fr: entry.label.fr, en: entry.label.en },
        articles: entry.articles,
        pharos: isString(entry.pharos) ? entry.pharos : '',
        csam: entry.csam,
        dsaArt18: entry.dsaArt18,
        xarfType: isString(entry.xarfType) ? entry.xarfType : null,
        source: isString(entry.source) ? entry.source : '',
      });
    });
    return {
      source: String(data.source ?? ''),
      date: String(data.date ?? ''),
      categories: [...byCode.values()],
      byCode,
    };
  });
}

/** The INHOPE member hotlines (default: the shipped list). */
export function loadHotlines(path = `${NOTICES_DATA_DIR}inhope-hotlines.yaml`): Promise<HotlineTable> {
  return cached(`hotlines:${path}`, async () => {
    const data = (await readDataYaml(path)) as { source?: unknown; checked?: unknown; date?: unknown; hotlines?: unknown };
    if (!Array.isArray(data?.hotlines)) bad(path, 'expected a `hotlines` list');
    const hotlines: InhopeHotline[] = [];
    const byCountry = new Map<string, InhopeHotline[]>();
    data.hotlines.forEach((entry: Partial<InhopeHotline>, index: number) => {
      const where = `hotlines[${index}]`;
      const unknown = Object.keys(entry).filter((key) => !['country', 'name', 'website', 'uncertain'].includes(key));
      if (unknown.length > 0) bad(path, `${where}: unknown field ${unknown.join(', ')} (quote a name that holds a comma)`);
      if (!isString(entry.country) || !/^[A-Z]{2}$/.test(entry.country)) bad(path, `${where}.country is not an ISO 3166-1 alpha-2 code`);
      if (!isString(entry.name) || !isString(entry.website)) bad(path, `${where} needs a name and a website`);
      const hotline: InhopeHotline = { country: entry.country, name: entry.name, website: entry.website };
      if (entry.uncertain === true) hotline.uncertain = true;
      hotlines.push(hotline);
      byCountry.set(hotline.country, [...(byCountry.get(hotline.country) ?? []), hotline]);
    });
    return {
      source: String(data.source ?? ''),
      checked: data.checked === true,
      date: String(data.date ?? ''),
      hotlines,
      byCountry,
    };
  });
}
