import { readFileSync } from 'node:fs';
import { ExitCode, VigieError } from '../../core/errors.js';
import type { ExternalRefs, Notice, NoticeItem, NoticeTarget } from '../../core/notice.js';
import { defangHost, defangUrl, multiLine, singleLine } from './escape.js';
import { xarfType } from './xarf.js';

/**
 * What a notice template sees: the notice with every string escaped for text (one-line fields cannot break a line,
 * free text keeps its line breaks but no control character), times formatted for people in UTC and in the original
 * zone, lists pre-joined, URLs and host names defanged when the output format makes links, and the fixed legal
 * sentences of `data/notices/statements.json` in the notice's language. Templates never see the raw notice, so a
 * template cannot print a string that skipped escaping.
 */
export interface TemplateView {
  lang: NoticeLanguage;
  kind: Notice['kind'];
  id: string;
  reference: string;
  caseRef: string;
  /** When the notice was assembled, `2026-06-01 08:12:05 UTC`. */
  createdAt: string;
  /** Its date alone, `2026-06-01`. */
  createdDate: string;
  /** The domain (or host) of the first target, for subject lines. */
  domain: string;
  /** True when URLs and host names are written defanged (`hxxps://example[.]com`). */
  defanged: boolean;
  /** A host notice whose category XARF v4 has a type for: its `.eml` carries `xarf.json`. */
  hasXarf: boolean;
  notifier: {
    organisation: string;
    organisationDomain: string;
    contactEmail: string;
    country: string;
    analystRef: string;
    trustedFlagger?: { coordinator: string; since?: string };
  };
  recipient: {
    role: string;
    name: string;
    country?: string;
    email?: string;
    website?: string;
    ianaId?: string;
    /** How the contact was found, `rdap:ripe entity ABUSE-X; whois:…`. */
    contactProvenance?: string;
  };
  targets: TargetView[];
  items: ItemView[];
  hasItems: boolean;
  legal: {
    category: string;
    /** The category's label in the notice's language. */
    categoryLabel: string;
    /** Legal provisions, `Code pénal art. 227-23, Directive 2011/93/UE`. */
    articles: string;
    articleList: string[];
    reasoning: string;
    dsaArt16Exemption: boolean;
    dsaArt18Relevant: boolean;
    pharosCategory?: string;
  };
  /** Factual description; absent for child sexual abuse material, never described beyond its classification. */
  description?: string;
  externalRefs: ExternalRefs;
  routing: { rule: string; delayDays: number; flags: string };
  statements: Statements;
  generator: string;
}

/**
 * A target as templates see it: `NoticeTarget`'s fields, each string escaped for text (URLs and host names defanged
 * when asked), times formatted for people.
 */
export interface TargetView
  extends Pick<
    NoticeTarget,
    | 'url'
    | 'finalUrl'
    | 'host'
    | 'registrableDomain'
    | 'locator'
    | 'observedTimeZone'
    | 'ip'
    | 'port'
    | 'httpStatus'
    | 'asn'
    | 'asOrganization'
    | 'hostingCountry'
    | 'hostingProvider'
    | 'registrar'
    | 'siteType'
  > {
  /** 1-based, for numbered lists. */
  number: number;
  /** The host name in Unicode when it is not ASCII (the URL shows its punycode form): `форум.example`. */
  unicodeHost?: string;
  /** `2026-06-01 08:12:05 UTC`. */
  observedAt: string;
  /** `2026-06-01 10:12:05 Europe/Paris, UTC+02:00`. */
  observedLocal: string;
  /** When the connection was made, as `observedAt`. */
  ipObservedAt?: string;
  dedicatedDomain: boolean;
  /** `NL (geoip:…), DE (rdap:ripe …)` when sources disagreed on the country. */
  countryDisagreement?: string;
}

export interface ItemView {
  number: number;
  mediaType: string;
  /** `sha256`, `md5`… with their values, strongest first. */
  hashes: { algorithm: string; value: string }[];
  sha256?: string;
  /** `INTERPOL baseline; NCMEC A1; VICS 1`. */
  classification: string;
  interpol: string;
  targetUrl?: string;
  victimAgeBand?: string;
  victimGender?: string;
  aiGenerated?: boolean;
  matches: { set: string; entry: string; signal: string; distance: number; category?: string; source?: string }[];
  hasMatches: boolean;
}

export interface Statements {
  goodFaith: string;
  csamExemption: string;
  art18: string;
  preserve: string;
  ackRequest: string;
  noMedia: string;
}

export const NOTICE_LANGUAGES = ['fr', 'en'] as const;
export type NoticeLanguage = (typeof NOTICE_LANGUAGES)[number];

/** Countries whose notices are written in French (issue 13): France, Belgium, Luxembourg, Switzerland, Monaco. */
const FRENCH_SPEAKING = new Set(['FR', 'BE', 'LU', 'CH', 'MC']);

/** The notice's language: `override` when given (`--lang`), else French for the French-speaking countries, else English. */
export function noticeLanguage(notice: Pick<Notice, 'recipient'>, override?: string): NoticeLanguage {
  if (override !== undefined) {
    if (!(NOTICE_LANGUAGES as readonly string[]).includes(override)) {
      throw new VigieError('notice-language', `unknown notice language "${override}" (known: fr, en)`, ExitCode.usage);
    }
    return override as NoticeLanguage;
  }
  return FRENCH_SPEAKING.has((notice.recipient.country ?? '').toUpperCase()) ? 'fr' : 'en';
}

/**
 * Shape of `TemplateView` for `vigie notice templates check`: `true` for a value, an object for a record, a one-element
 * array for a list of what it holds. A test keeps it equal to what `buildView` produces.
 */
export type FieldShape = true | { readonly [key: string]: FieldShape } | readonly [FieldShape];

export const VIEW_SHAPE = {
  lang: true,
  kind: true,
  id: true,
  reference: true,
  caseRef: true,
  createdAt: true,
  createdDate: true,
  domain: true,
  defanged: true,
  hasXarf: true,
  notifier: {
    organisation: true,
    organisationDomain: true,
    contactEmail: true,
    country: true,
    analystRef: true,
    trustedFlagger: { coordinator: true, since: true },
  },
  recipient: {
    role: true,
    name: true,
    country: true,
    email: true,
    website: true,
    ianaId: true,
    contactProvenance: true,
  },
  targets: [
    {
      number: true,
      url: true,
      finalUrl: true,
      host: true,
      unicodeHost: true,
      registrableDomain: true,
      locator: true,
      observedAt: true,
      observedLocal: true,
      observedTimeZone: true,
      ip: true,
      port: true,
      ipObservedAt: true,
      httpStatus: true,
      asn: true,
      asOrganization: true,
      hostingCountry: true,
      hostingProvider: true,
      registrar: true,
      siteType: true,
      dedicatedDomain: true,
      countryDisagreement: true,
    },
  ],
  items: [
    {
      number: true,
      mediaType: true,
      hashes: [{ algorithm: true, value: true }],
      sha256: true,
      classification: true,
      interpol: true,
      targetUrl: true,
      victimAgeBand: true,
      victimGender: true,
      aiGenerated: true,
      matches: [{ set: true, entry: true, signal: true, distance: true, category: true, source: true }],
      hasMatches: true,
    },
  ],
  hasItems: true,
  legal: {
    category: true,
    categoryLabel: true,
    articles: true,
    articleList: [true],
    reasoning: true,
    dsaArt16Exemption: true,
    dsaArt18Relevant: true,
    pharosCategory: true,
  },
  description: true,
  externalRefs: {
    pharosRef: true,
    iccamRef: true,
    inhopeHotline: true,
    ncmecReportId: true,
    hostTicket: true,
    followsNotice: true,
  },
  routing: { rule: true, delayDays: true, flags: true },
  statements: {
    goodFaith: true,
    csamExemption: true,
    art18: true,
    preserve: true,
    ackRequest: true,
    noMedia: true,
  },
  generator: true,
} as const satisfies { readonly [K in keyof TemplateView]-?: FieldShape };

const STATEMENTS_URL = new URL('../../../data/notices/statements.json', import.meta.url);
let statements: Record<NoticeLanguage, Statements> | undefined;

/** data/notices/statements.json, read once. */
export function loadStatements(): Record<NoticeLanguage, Statements> {
  statements ??= JSON.parse(readFileSync(STATEMENTS_URL, 'utf8')) as Record<NoticeLanguage, Statements>;
  return statements;
}

/** Routing flag by which the rules ask for live (not defanged) links for a recipient. */
export const LINKS_LIVE_FLAG = 'links-live';

export interface ViewOptions {
  lang: NoticeLanguage;
  /** Write URLs and host names defanged; a notice whose routing flags carry `links-live` never is. */
  defang: boolean;
}

export function buildView(notice: Notice, options: ViewOptions): TemplateView {
  const defanged = options.defang && !notice.routing.flags.includes(LINKS_LIVE_FLAG);
  const url = (value: string) => (defanged ? defangUrl(singleLine(value)) : singleLine(value));
  const host = (value: string) => (defanged ? defangHost(singleLine(value)) : singleLine(value));
  const line = (value: string | undefined) => (value === undefined ? undefined : singleLine(value));
  const first = notice.targets[0];
  const { notifier, recipient, legal, externalRefs } = notice;
  const contact = recipient.abuseContact;
  return {
    lang: options.lang,
    kind: notice.kind,
    id: notice.id,
    reference: singleLine(notice.reference),
    caseRef: singleLine(notice.caseRef),
    createdAt: utcDisplay(notice.createdAt),
    createdDate: notice.createdAt.slice(0, 10),
    domain: host(first?.registrableDomain ?? first?.host ?? ''),
    defanged,
    hasXarf: notice.kind === 'host' && xarfType(notice) !== undefined,
    notifier: {
      organisation: singleLine(notifier.organisation),
      organisationDomain: singleLine(notifier.organisationDomain),
      contactEmail: singleLine(notifier.contactEmail),
      country: singleLine(notifier.country),
      analystRef: singleLine(notifier.analystRef),
      trustedFlagger: notifier.trustedFlagger && {
        coordinator: singleLine(notifier.trustedFlagger.coordinator),
        since: line(notifier.trustedFlagger.since),
      },
    },
    recipient: {
      role: recipient.role,
      name: singleLine(recipient.name),
      country: line(recipient.country),
      email: line(contact?.email),
      website: contact?.website === undefined ? undefined : url(contact.website),
      ianaId: line(recipient.ianaId),
      contactProvenance: contact && contact.provenance.length > 0 ? singleLine(contact.provenance.join('; ')) : undefined,
    },
    targets: notice.targets.map((target, index) => targetView(target, index, url, host)),
    items: notice.items.map((item, index) => itemView(item, index, url)),
    hasItems: notice.items.length > 0,
    legal: {
      category: singleLine(legal.category),
      categoryLabel: singleLine(legal.categoryLabel[options.lang]),
      articles: legal.articles.map(singleLine).join(', '),
      articleList: legal.articles.map(singleLine),
      reasoning: multiLine(legal.reasoning),
      dsaArt16Exemption: legal.dsaArt16Exemption,
      dsaArt18Relevant: legal.dsaArt18Relevant,
      pharosCategory: line(legal.pharosCategory),
    },
    description: notice.description === undefined ? undefined : multiLine(notice.description),
    externalRefs: {
      pharosRef: line(externalRefs.pharosRef),
      iccamRef: line(externalRefs.iccamRef),
      inhopeHotline: line(externalRefs.inhopeHotline),
      ncmecReportId: line(externalRefs.ncmecReportId),
      hostTicket: line(externalRefs.hostTicket),
      followsNotice: line(externalRefs.followsNotice),
    },
    routing: {
      rule: singleLine(notice.routing.rule),
      delayDays: notice.routing.delayDays,
      flags: notice.routing.flags.map(singleLine).join(', '),
    },
    statements: loadStatements()[options.lang],
    generator: `${notice.generator.name} ${notice.generator.version}`,
  };
}

function targetView(
  target: NoticeTarget,
  index: number,
  url: (value: string) => string,
  host: (value: string) => string,
): TargetView {
  const line = (value: string | undefined) => (value === undefined ? undefined : singleLine(value));
  return {
    number: index + 1,
    url: url(target.url),
    finalUrl: target.finalUrl === undefined || target.finalUrl === target.url ? undefined : url(target.finalUrl),
    host: target.host === undefined ? undefined : host(target.host),
    // eslint-disable-next-line no-control-regex -- "not ASCII" is what is tested
    unicodeHost: target.host !== undefined && /[^\u0000-\u007f]/.test(target.host) ? host(target.host) : undefined,
    registrableDomain: target.registrableDomain === undefined ? undefined : host(target.registrableDomain),
    locator: line(target.locator),
    observedAt: utcDisplay(target.observedAt),
    observedLocal: localDisplay(target.observedAt, target.observedTimeZone),
    observedTimeZone: singleLine(target.observedTimeZone),
    // Addresses stay as they are: mail clients do not make links of them, and desks paste them into log searches.
    ip: line(target.ip),
    port: target.port,
    ipObservedAt: target.ipObservedAt === undefined ? undefined : utcDisplay(target.ipObservedAt),
    httpStatus: target.httpStatus,
    asn: target.asn,
    asOrganization: line(target.asOrganization),
    hostingCountry: line(target.hostingCountry),
    hostingProvider: line(target.hostingProvider),
    registrar: line(target.registrar),
    siteType: line(target.siteType),
    dedicatedDomain: target.dedicatedDomain === true,
    countryDisagreement:
      target.countryDisagreement && target.countryDisagreement.length > 0
        ? singleLine(target.countryDisagreement.map((entry) => `${entry.value} (${entry.source})`).join(', '))
        : undefined,
  };
}

/** Hash algorithms in the order notices list them (SHA-256 first: what hosts search for). */
const HASH_ORDER = ['sha256', 'md5', 'sha1', 'photodna', 'pdq', 'blockhash', 'blockhash-quick', 'vpdq'];

function itemView(item: NoticeItem, index: number, url: (value: string) => string): ItemView {
  const hashes = Object.entries(item.hashes as Record<string, string | undefined>)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([algorithm, value]) => ({ algorithm: singleLine(algorithm), value: singleLine(value) }));
  const { classification } = item;
  const classificationParts = [
    `INTERPOL ${classification.interpol}`,
    classification.ncmec && `NCMEC ${classification.ncmec}`,
    classification.iwfOrUk && `UK ${classification.iwfOrUk}`,
    classification.vics !== undefined && `VICS ${classification.vics}`,
  ].filter((part): part is string => typeof part === 'string');
  return {
    number: index + 1,
    mediaType: item.mediaType,
    hashes,
    sha256: item.hashes.sha256 === undefined ? undefined : singleLine(item.hashes.sha256),
    classification: singleLine(classificationParts.join('; ')),
    interpol: classification.interpol,
    targetUrl: item.targetUrl === undefined ? undefined : url(item.targetUrl),
    victimAgeBand: item.victimAgeBand === undefined ? undefined : singleLine(item.victimAgeBand),
    victimGender: item.victimGender === undefined ? undefined : singleLine(item.victimGender),
    aiGenerated: item.aiGenerated,
    matches: item.hashListMatches.map((match) => ({
      set: singleLine(match.set),
      entry: singleLine(match.entry),
      signal: match.signal,
      distance: match.distance,
      category: match.category === undefined ? undefined : singleLine(match.category),
      source: match.source === undefined ? undefined : singleLine(match.source),
    })),
    hasMatches: item.hashListMatches.length > 0,
  };
}

function rank(algorithm: string): number {
  const position = HASH_ORDER.indexOf(algorithm);
  return position < 0 ? HASH_ORDER.length : position;
}

/** `2026-06-01T08:12:05.000Z` → `2026-06-01 08:12:05 UTC`. */
export function utcDisplay(iso: string): string {
  const date = parseTime(iso);
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** The same instant in `zone`: `2026-06-01 10:12:05 Europe/Paris, UTC+02:00`. */
export function localDisplay(iso: string, zone: string): string {
  const date = parseTime(iso);
  const parts = Object.fromEntries(zoneFormat(zone).formatToParts(date).map((part) => [part.type, part.value]));
  const offset = (parts.timeZoneName ?? 'GMT').replace(/^GMT/, 'UTC');
  const time = `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
  return `${time} ${singleLine(zone)}, ${offset === 'UTC' ? 'UTC+00:00' : offset}`;
}

/** One formatter per zone, kept: building an Intl.DateTimeFormat costs more than formatting with it. */
const zoneFormats = new Map<string, Intl.DateTimeFormat>();

function zoneFormat(zone: string): Intl.DateTimeFormat {
  let format = zoneFormats.get(zone);
  if (format) return format;
  try {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    });
  } catch {
    throw new VigieError('notice-time-zone', `unknown time zone "${singleLine(zone)}" (an IANA zone such as Europe/Paris)`);
  }
  if (zoneFormats.size < 1000) zoneFormats.set(zone, format);
  return format;
}

function parseTime(iso: string): Date {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    throw new VigieError('notice-time', `"${singleLine(iso).slice(0, 60)}" is not an ISO 8601 time`);
  }
  return date;
}
