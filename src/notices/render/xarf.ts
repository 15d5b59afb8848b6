import { isIP } from 'node:net';
import { ExitCode, VigieError } from '../../core/errors.js';
import type { Notice, NoticeItem, NoticeTarget } from '../../core/notice.js';
import { singleLine } from './escape.js';

/**
 * XARF v4 (xarf/xarf-spec, JSON Schema 2020-12): one report per notice, `category: content`, `type` csam or csem (the
 * only content types XARF has for what a hotline notifies). Keys are XARF's own (snake_case). The report never holds
 * media: no `evidence` item is written (XARF's csam/csem types say so), only URLs, hashes and references.
 *
 * Extensions (the core schema allows additional properties): `occurrences`, every target with the IP and port used
 * at observation; `items`, every item's hashes and classification when a notice has several.
 */
export const XARF_VERSION = '4.2.0';

export type XarfType = 'csam' | 'csem';

/** The XARF type of a notice's category, from `legal.xarfType` (data/notices/categories.yaml), if XARF has one. */
export function xarfType(notice: Notice): XarfType | undefined {
  const type = notice.legal.xarfType;
  // A notice read back from JSON may hold anything: only the two types the renderer knows count.
  return type === 'csam' || type === 'csem' ? type : undefined;
}

/** XARF core limits `description` to 1,000 characters. */
const MAX_DESCRIPTION = 1000;
const DOMAIN_PATTERN = /^([a-z0-9]+(-[a-z0-9]+)*\.)+[a-z]{2,}$/;
const TAG_PART = /[^a-z0-9_+-]+/g;

export function buildXarf(notice: Notice): Record<string, unknown> {
  const type = xarfType(notice);
  if (!type) {
    throw new VigieError(
      'notice-xarf-type',
      `notice ${singleLine(notice.reference)}: XARF v4 has no content type for category "${singleLine(notice.legal.category)}"`,
      ExitCode.input,
    );
  }
  const first = notice.targets[0];
  if (!first) {
    throw new VigieError('notice-xarf-target', `notice ${singleLine(notice.reference)} has no target`, ExitCode.input);
  }
  const url = asciiUrl(first.url);
  const domain = hostOf(url);
  const reporter = {
    org: singleLine(notice.notifier.organisation).slice(0, 200),
    contact: singleLine(notice.notifier.contactEmail),
    domain: singleLine(notice.notifier.organisationDomain),
  };
  const matched = notice.items.some((item) => item.hashListMatches.length > 0);
  const media = mediaType(notice.items);
  const report: Record<string, unknown> = {
    xarf_version: XARF_VERSION,
    report_id: notice.id,
    timestamp: isoTime(first.observedAt),
    reporter,
    sender: reporter,
    source_identifier: first.ip ?? domain ?? url,
    ...(validPort(first.port) && { source_port: first.port }),
    category: 'content',
    type,
    url,
    ...(domain && DOMAIN_PATTERN.test(domain) && { domain }),
    verified_at: isoTime(first.observedAt),
    verification_method: 'manual',
    evidence_source: matched ? 'automated_scan' : 'researcher_analysis',
    ...(first.hostingProvider && { hosting_provider: singleLine(first.hostingProvider) }),
    ...(first.asn !== undefined && first.asn >= 1 && { asn: first.asn }),
    ...(first.hostingCountry && /^[A-Z]{2}$/.test(first.hostingCountry) && { country_code: first.hostingCountry }),
    ...(first.registrar && { registrar: singleLine(first.registrar) }),
    ...(media && { media_type: media }),
    ...typeFields(notice, type, matched),
    description: description(notice),
    tags: tags(notice),
    occurrences: notice.targets.map(occurrence),
    ...(notice.items.length > 1 && { items: notice.items.map(itemEntry) }),
  };
  return report;
}

/** The `.xarf.json` file and the `xarf.json` mail attachment. */
export function renderXarf(notice: Notice): string {
  return `${JSON.stringify(buildXarf(notice), null, 2)}\n`;
}

function typeFields(notice: Notice, type: XarfType, matched: boolean): Record<string, unknown> {
  const hashValues = notice.items.map(xarfHashes).find((values) => Object.keys(values).length > 0);
  const ncmec = notice.externalRefs.ncmecReportId;
  if (type === 'csam') {
    return {
      // XARF's enum has no value for "illegal under national law only": baseline is the closest, the tags say which.
      classification: notice.items.find((item) => item.classification.ncmec)?.classification.ncmec ?? 'baseline',
      detection_method: matched ? 'hash_match' : 'manual_review',
      ...(hashValues && { hash_values: hashValues }),
      ...(ncmec && { ncmec_report_id: singleLine(ncmec) }),
    };
  }
  return {
    // The csem type's own enums: grooming is what the toolkit's csem category (CP 227-22-1) is; hash matching is not
    // among its detection methods.
    exploitation_type: 'grooming',
    detection_method: 'manual_review',
    ...(hashValues && { file_hash: hashValues }),
    ...(ncmec && { ncmec_report_id: singleLine(ncmec) }),
  };
}

const HEX_LENGTHS: Record<string, number> = { md5: 32, sha1: 40, sha256: 64 };

function xarfHashes(item: NoticeItem): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [algorithm, length] of Object.entries(HEX_LENGTHS)) {
    const value = (item.hashes as Record<string, string | undefined>)[algorithm];
    if (value !== undefined && new RegExp(`^[a-f0-9]{${length}}$`, 'i').test(value)) values[algorithm] = value.toLowerCase();
  }
  if (item.hashes.photodna) values.photodna = singleLine(item.hashes.photodna);
  return values;
}

function itemEntry(item: NoticeItem): Record<string, unknown> {
  return {
    media_type: item.mediaType,
    interpol_classification: item.classification.interpol,
    ...(item.classification.ncmec && { classification: item.classification.ncmec }),
    hash_values: {
      ...xarfHashes(item),
      ...(item.hashes.pdq && { pdq: item.hashes.pdq }),
    },
    ...(item.targetUrl && { url: asciiUrl(item.targetUrl) }),
  };
}

function occurrence(target: NoticeTarget): Record<string, unknown> {
  return {
    url: asciiUrl(target.url),
    ...(target.finalUrl && target.finalUrl !== target.url && { final_url: asciiUrl(target.finalUrl) }),
    observed_at: isoTime(target.observedAt),
    observed_time_zone: singleLine(target.observedTimeZone),
    ...(target.ip && { ip: target.ip }),
    ...(validPort(target.port) && { port: target.port }),
    ...(target.ipObservedAt && { ip_observed_at: isoTime(target.ipObservedAt) }),
    ...(target.asn !== undefined && { asn: target.asn }),
    ...(target.hostingCountry && { country_code: target.hostingCountry }),
  };
}

function mediaType(items: NoticeItem[]): string | undefined {
  const types = new Set(items.map((item) => (item.mediaType === 'other' ? 'mixed' : item.mediaType)));
  if (types.size === 0) return undefined;
  return types.size === 1 ? [...types][0] : 'mixed';
}

/** The category and its legal basis; for CSAM nothing more (never described beyond its classification). */
function description(notice: Notice): string {
  const base = `${notice.legal.categoryLabel.en} (French law: ${notice.legal.articles.join(', ')})`;
  const text = notice.legal.dsaArt16Exemption || !notice.description ? base : `${base}: ${notice.description}`;
  const line = singleLine(text);
  return line.length > MAX_DESCRIPTION ? `${line.slice(0, MAX_DESCRIPTION - 1)}…` : line;
}

function tags(notice: Notice): string[] {
  const tag = (namespace: string, value: string) => `${namespace}:${value.toLowerCase().replace(TAG_PART, '-').replace(/^-+|-+$/g, '')}`;
  const interpol = [...new Set(notice.items.map((item) => item.classification.interpol))];
  const list = [
    tag('category', notice.legal.category),
    ...interpol.map((value) => tag('interpol', value)),
    ...(notice.legal.dsaArt18Relevant ? ['dsa:art18'] : []),
  ];
  return list.filter((entry) => /^[a-z0-9][a-z0-9_+-]*:[a-z0-9][a-z0-9_+-]*$/.test(entry)).slice(0, 20);
}

/** URLs as RFC 3986 wants them (a Unicode host in punycode, spaces percent-encoded), as XARF's `format: uri` checks. */
function asciiUrl(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return singleLine(url);
  }
}

function hostOf(url: string): string | undefined {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
    return host === '' || isIP(host) ? undefined : host;
  } catch {
    return undefined;
  }
}

function validPort(port: number | undefined): port is number {
  return port !== undefined && Number.isInteger(port) && port >= 1 && port <= 65535;
}

function isoTime(time: string): string {
  const date = new Date(time);
  return Number.isNaN(date.getTime()) ? time : date.toISOString();
}
