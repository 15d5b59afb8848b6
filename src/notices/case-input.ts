/**
 * What a notice is made from: a case file (YAML or JSON, checked against data/notices/case.schema.json) that may name
 * the JSON Lines files `vigie resolve`, `vigie geo` and `vigie match` wrote, or those files alone with a category and
 * a description. Every problem in the input is collected and reported at once, each with its path, so an analyst fixes
 * a case in one pass; nothing is written when the input is refused (exit 3).
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve as resolvePath } from 'node:path';
import { createInterface } from 'node:readline';
import { ExitCode, VigieError } from '../core/errors.js';
import type { AbuseContact, HostingInfo } from '../core/hosting.js';
import type { MatchRecord } from '../core/match.js';
import type { ExternalRefs, ItemClassification, NoticeItem, NoticeTarget, Notifier } from '../core/notice.js';
import type { ResolutionRecord } from '../core/resolution.js';
import { loadCategories, NOTICES_DATA_DIR, type CategoryTable } from './data.js';
import { isEmailAddress } from './validate.js';
import { parseYamlText } from './yaml.js';

/** A case file larger than this is refused before it is parsed (a real case is a few kilobytes). */
export const MAX_CASE_FILE_BYTES = 16 * 1024 * 1024;
/** A JSON Lines line longer than this is refused (a `vigie geo` record is a few kilobytes). */
export const MAX_RECORD_LINE_CHARS = 1024 * 1024;
/** Problems listed in full; past this many the list says how many more there were. */
export const MAX_LISTED_ISSUES = 200;

/** One problem in the input, with where it is: `targets[2].url`, `geo.jsonl:14 abuseContacts[0].email`. */
export interface InputIssue {
  path: string;
  message: string;
}

/** The input was refused; `issues` lists every problem found. */
export class CaseInputError extends VigieError {
  constructor(
    readonly source: string,
    readonly issues: InputIssue[],
  ) {
    super('bad-case', formatIssues(source, issues), ExitCode.input);
    this.name = 'CaseInputError';
  }
}

export function formatIssues(source: string, issues: InputIssue[]): string {
  const shown = issues.slice(0, MAX_LISTED_ISSUES).map((issue) => `  ${issue.path}: ${issue.message}`);
  if (issues.length > MAX_LISTED_ISSUES) shown.push(`  … and ${issues.length - MAX_LISTED_ISSUES} more`);
  return `${source}: ${issues.length} problem${issues.length === 1 ? '' : 's'}\n${shown.join('\n')}`;
}

/** A manual recipient the analyst set in the case file. */
export interface ManualRecipient {
  email: string;
  name?: string;
  country?: string;
  /** `case:<file> targets[i].recipient`. */
  provenance: string;
}

/** What the analyst may say about a target in a case file, besides its URL. */
interface TargetJudgement {
  category?: string;
  reasoning?: string;
  description?: string;
  /** A threat to life or safety (DSA art. 18): the authorities first. */
  art18?: boolean;
}

/**
 * A reported target with everything the input files told about it: a `NoticeTarget` in the making (observation time
 * still optional), plus what routing needs.
 */
export interface CaseTarget extends Omit<NoticeTarget, 'observedAt'>, TargetJudgement {
  /** Where it is in the input: `targets[0]`, or `resolve.jsonl:3` for a target that came from a file alone. */
  where: string;
  observedAt?: string;
  registrarIanaId?: string;
  registrarCountry?: string;
  /** The case file set `hostingCountry`, which settles a disagreement. */
  countrySettled: boolean;
  /** As `vigie geo` gave them, best first. */
  abuseContacts: AbuseContact[];
  /** The analyst's recipients for the host and the registrar notices. */
  recipient?: ManualRecipient;
  registrarRecipient?: ManualRecipient;
  items: NoticeItem[];
}

/** A case, read and joined. Fields a notice needs but the input lacks are absent (see `missingCaseFields`). */
export interface CaseInput {
  /** The case file, or `files` when the input is JSON Lines files alone. */
  source: string;
  caseRef?: string;
  notifier: Partial<Notifier> & { trustedFlagger?: Notifier['trustedFlagger'] };
  category?: string;
  reasoning?: string;
  description?: string;
  observedTimeZone: string;
  externalRefs: ExternalRefs;
  targets: CaseTarget[];
  /** Items not tied to one target (match records given without a case file). */
  items: NoticeItem[];
}

export interface CaseSourceFiles {
  resolve?: string;
  geo?: string;
  match?: string;
}

export interface LoadCaseOptions {
  /** JSON Lines files given on the command line; they replace the case file's `sources`. */
  files?: CaseSourceFiles;
  /** Set or override the case's fields (`--category`, `--description`, `--ref`). */
  overrides?: { caseRef?: string; category?: string; description?: string; reasoning?: string };
  /** Zone for observation times without one (default: the case's `observedTimeZone`, else Europe/Paris). */
  timeZone?: string;
  categories?: CategoryTable;
}

export const DEFAULT_TIME_ZONE = 'Europe/Paris';

/** Reads a case file (YAML, or JSON for `.json`) and joins the records it names. */
export async function loadCaseFile(path: string, options: LoadCaseOptions = {}): Promise<CaseInput> {
  const raw = await readCaseData(path);
  return buildCase(raw, path, dirname(resolvePath(path)), options);
}

/**
 * A case held in memory as a case file's data (what `vigie notice new` completes): schema-checked, then joined.
 * `baseDir` is where its `sources` paths are relative to.
 */
export async function loadCaseData(
  raw: Record<string, unknown>,
  source: string,
  baseDir: string,
  options: LoadCaseOptions = {},
): Promise<CaseInput> {
  const issues = await schemaIssues(raw);
  if (issues.length > 0) throw new CaseInputError(source, issues);
  return buildCase(raw, source, baseDir, options);
}

/** Builds a case from JSON Lines files alone (`vigie notice route --resolve r.jsonl --geo g.jsonl --category csam`). */
export async function loadCaseFromFiles(options: LoadCaseOptions): Promise<CaseInput> {
  if (!options.files?.resolve && !options.files?.geo) {
    throw new VigieError('no-input', 'give a case file, or --resolve and/or --geo files', ExitCode.usage);
  }
  return buildCase({}, 'files', process.cwd(), options);
}

/** The parsed, schema-checked content of a case file. */
export async function readCaseData(path: string): Promise<Record<string, unknown>> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    throw new VigieError('unreadable', `cannot read case file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  if (size > MAX_CASE_FILE_BYTES) {
    throw new VigieError('case-too-large', `${path} is ${size} bytes; a case file is at most ${MAX_CASE_FILE_BYTES} bytes`);
  }
  const text = await readFile(path, 'utf8');
  let data: unknown;
  const isJson = /\.json$/i.test(path);
  const longLine = isJson ? -1 : longLineIndex(text);
  if (longLine >= 0) {
    // A field is at most 10,000 characters; a line far longer is refused before the (slow) YAML parse.
    throw new CaseInputError(path, [{ path: `line ${longLine + 1}`, message: `longer than ${MAX_YAML_LINE_CHARS} characters: a field of a case file is at most 10000` }]);
  }
  if (isJson) {
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new VigieError('not-json', `${path} is not valid JSON: ${(error as Error).message}`);
    }
  } else {
    data = await parseYamlText(text, path);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new VigieError('not-a-case', `${path} is not a case file: expected a mapping of fields (caseRef, notifier, targets…) at the top level`);
  }
  const issues = await schemaIssues(data);
  if (issues.length > 0) throw new CaseInputError(path, [...issues, ...(await valueIssues(data as Record<string, unknown>, issues))]);
  return data as Record<string, unknown>;
}

/** A YAML line longer than this is refused unparsed. */
export const MAX_YAML_LINE_CHARS = 65_536;

function longLineIndex(text: string): number {
  let start = 0;
  for (let line = 0; start <= text.length; line++) {
    const end = text.indexOf('\n', start);
    const stop = end === -1 ? text.length : end;
    if (stop - start > MAX_YAML_LINE_CHARS) return line;
    if (end === -1) return -1;
    start = end + 1;
  }
  return -1;
}

/**
 * The checks on values the schema cannot make (URL host, category), run even when the schema failed, so that one
 * pass lists every problem; fields the schema already refused are not checked twice.
 */
async function valueIssues(data: Record<string, unknown>, known: InputIssue[]): Promise<InputIssue[]> {
  const issues: InputIssue[] = [];
  const seen = new Set(known.map((issue) => issue.path));
  const categories = await loadCategories();
  if (typeof data.category === 'string' && !seen.has('category')) checkCategory(data.category, 'category', categories, issues);
  const targets = Array.isArray(data.targets) ? (data.targets as unknown[]) : [];
  targets.forEach((target, index) => {
    const t = (target ?? {}) as Record<string, unknown>;
    const at = `targets[${index}]`;
    if (typeof t.url === 'string' && !seen.has(`${at}.url`)) checkUrl(t.url, `${at}.url`, issues);
    if (typeof t.category === 'string' && !seen.has(`${at}.category`)) checkCategory(t.category, `${at}.category`, categories, issues);
  });
  return issues;
}

type Validator = ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string; keyword: string; params: Record<string, unknown> }[] | null };
let validator: Promise<Validator> | undefined;

async function schemaValidator(): Promise<Validator> {
  validator ??= (async () => {
    const [{ Ajv }, formats] = await Promise.all([import('ajv'), import('ajv-formats')]);
    const schema = JSON.parse(await readFile(`${NOTICES_DATA_DIR}case.schema.json`, 'utf8')) as object;
    const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
    // A CommonJS module: under ESM its `default` is module.exports, the plugin function itself.
    (formats.default as unknown as (instance: typeof ajv) => void)(ajv);
    return ajv.compile(schema) as Validator;
  })();
  return validator;
}

/** Every schema violation, with a dotted path (`targets[0].url`). */
export async function schemaIssues(data: unknown): Promise<InputIssue[]> {
  const validate = await schemaValidator();
  if (validate(data)) return [];
  const issues: InputIssue[] = [];
  const seen = new Set<string>();
  for (const error of validate.errors ?? []) {
    // anyOf reports each branch and then itself; the summary line is enough.
    if (error.keyword === 'format' && error.instancePath.endsWith('/ip')) continue;
    let path = dottedPath(error.instancePath);
    let message = error.message ?? error.keyword;
    if (error.keyword === 'additionalProperties') {
      path = joinPath(path, String(error.params.additionalProperty));
      message = 'is not a field of a case file';
    } else if (error.keyword === 'required') {
      path = joinPath(path, String(error.params.missingProperty));
      message = 'is required';
    } else if (error.keyword === 'pattern') {
      message = 'contains characters not allowed here (control characters, spaces, or an invalid form)';
    } else if (error.keyword === 'anyOf') {
      message = 'is not an IPv4 or IPv6 address';
    }
    const key = `${path}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push({ path, message });
  }
  return issues;
}

function dottedPath(pointer: string): string {
  if (pointer === '') return '(top level)';
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : joinPath(path, part)), '');
}

function joinPath(path: string, field: string): string {
  return path === '' || path === '(top level)' ? field : `${path}.${field}`;
}

type ManualRecipientFields = { email: string; name?: string; country?: string };

/** A target as the case file writes it (schema-checked). */
interface RawTarget
  extends TargetJudgement,
    Pick<NoticeTarget, 'url' | 'locator' | 'dedicatedDomain' | 'siteType' | 'hostingCountry' | 'ip' | 'port' | 'asn'> {
  observedAt?: string;
  observedTimeZone?: string;
  recipient?: ManualRecipientFields;
  registrarRecipient?: ManualRecipientFields;
  items?: RawItem[];
}

interface RawItem {
  mediaType: NoticeItem['mediaType'];
  hashes?: NoticeItem['hashes'];
  matchPath?: string;
  classification?: ItemClassification;
  victimAgeBand?: string;
  victimGender?: string;
  aiGenerated?: boolean;
}

interface Records {
  resolutions: Located<ResolutionRecord>[];
  hosting: Located<HostingInfo>[];
  matches: Located<MatchRecord>[];
}

interface Located<T> {
  record: T;
  where: string;
}

async function buildCase(
  raw: Record<string, unknown>,
  source: string,
  baseDir: string,
  options: LoadCaseOptions,
): Promise<CaseInput> {
  const issues: InputIssue[] = [];
  const categories = options.categories ?? (await loadCategories());
  const fileSources = (raw.sources ?? {}) as CaseSourceFiles;
  const files: CaseSourceFiles = options.files ?? {
    resolve: fileSources.resolve && resolvePath(baseDir, fileSources.resolve),
    geo: fileSources.geo && resolvePath(baseDir, fileSources.geo),
    match: fileSources.match && resolvePath(baseDir, fileSources.match),
  };
  // Records are named as the user wrote the paths (not absolute), so notices do not depend on where they were made.
  const shown: CaseSourceFiles = options.files ?? fileSources;
  const records = await readRecords(files, shown, issues);

  const caseZone = options.timeZone ?? (raw.observedTimeZone as string | undefined) ?? DEFAULT_TIME_ZONE;
  checkTimeZone(caseZone, options.timeZone ? '--time-zone' : 'observedTimeZone', issues);
  const category = options.overrides?.category ?? (raw.category as string | undefined);
  if (category !== undefined) checkCategory(category, options.overrides?.category ? '--category' : 'category', categories, issues);

  const rawTargets = (raw.targets as RawTarget[] | undefined) ?? targetsFromRecords(records);
  if (rawTargets.length === 0) issues.push({ path: 'targets', message: 'no target: give targets in the case file or records in --resolve/--geo' });
  const usedMatches = new Set<string>();
  const targets = rawTargets.map((rawTarget, index) => {
    const where = raw.targets ? `targets[${index}]` : (rawTarget as RawTarget & { where?: string }).where ?? `targets[${index}]`;
    return buildTarget(rawTarget, where, source, caseZone, records, categories, usedMatches, issues);
  });
  const items = raw.targets
    ? []
    : records.matches.filter((m) => !usedMatches.has(m.record.path)).map((m) => itemFromMatch(m.record, undefined));

  if (issues.length > 0) throw new CaseInputError(source, issues);
  const notifier = (raw.notifier ?? {}) as CaseInput['notifier'];
  return {
    source,
    ...defined('caseRef', options.overrides?.caseRef ?? (raw.caseRef as string | undefined)),
    notifier: { ...notifier },
    ...defined('category', category),
    ...defined('reasoning', options.overrides?.reasoning ?? (raw.reasoning as string | undefined)),
    ...defined('description', options.overrides?.description ?? (raw.description as string | undefined)),
    observedTimeZone: caseZone,
    externalRefs: { ...((raw.externalRefs ?? {}) as ExternalRefs) },
    targets,
    items,
  };
}

function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** Without a case file, every resolved URL (and every located target not resolved) is a target. */
function targetsFromRecords(records: Records): (RawTarget & { where: string })[] {
  const targets: (RawTarget & { where: string })[] = [];
  const seen = new Set<string>();
  for (const { record, where } of records.resolutions) {
    if (!record.url || seen.has(record.url)) continue;
    seen.add(record.url);
    targets.push({ url: record.url, where });
  }
  for (const { record, where } of records.hosting) {
    if (record.kind !== 'url' || seen.has(record.target)) continue;
    seen.add(record.target);
    targets.push({ url: record.target, where });
  }
  return targets;
}

function buildTarget(
  raw: RawTarget,
  where: string,
  source: string,
  caseZone: string,
  records: Records,
  categories: CategoryTable,
  usedMatches: Set<string>,
  issues: InputIssue[],
): CaseTarget {
  const url = checkUrl(raw.url, `${where}.url`, issues);
  const zone = raw.observedTimeZone ?? caseZone;
  if (raw.observedTimeZone) checkTimeZone(raw.observedTimeZone, `${where}.observedTimeZone`, issues);
  if (raw.category) checkCategory(raw.category, `${where}.category`, categories, issues);
  const target: CaseTarget = {
    where,
    url: url?.href ?? raw.url,
    observedTimeZone: zone,
    countrySettled: raw.hostingCountry !== undefined,
    abuseContacts: [],
    items: [],
    provenance: source === 'files' ? [where] : [`case:${source} ${where}`],
  };
  if (url) target.host = url.hostname;
  for (const key of ['locator', 'category', 'reasoning', 'description', 'art18', 'dedicatedDomain', 'siteType'] as const) {
    if (raw[key] !== undefined) (target as unknown as Record<string, unknown>)[key] = raw[key];
  }
  if (raw.observedAt) target.observedAt = new Date(raw.observedAt).toISOString();

  const resolution = url && findResolution(records.resolutions, url);
  if (resolution) joinResolution(target, resolution);
  const hosting = url && findHosting(records.hosting, url);
  if (hosting) joinHosting(target, hosting, issues);

  // The case file's facts win: an analyst's correction of what the tools saw.
  if (raw.ip) target.ip = raw.ip;
  if (raw.port) target.port = raw.port;
  if (raw.asn !== undefined) target.asn = raw.asn;
  if (raw.hostingCountry) {
    target.hostingCountry = raw.hostingCountry;
    target.hostingCountrySource = `case:${source} ${where}.hostingCountry`;
  }
  for (const key of ['recipient', 'registrarRecipient'] as const) {
    const manual = raw[key];
    if (manual) target[key] = { ...manual, email: manual.email.toLowerCase(), provenance: `case:${source} ${where}.${key}` };
  }
  if (!target.observedAt && !resolution) {
    issues.push({ path: `${where}.observedAt`, message: 'is required when no resolve record gives the observation time' });
  }
  (raw.items ?? []).forEach((item, index) => {
    const itemWhere = `${where}.items[${index}]`;
    let match: MatchRecord | undefined;
    if (item.matchPath) {
      match = records.matches.find((m) => m.record.path === item.matchPath)?.record;
      if (!match) issues.push({ path: `${itemWhere}.matchPath`, message: `no record with this path in the match file` });
      else usedMatches.add(match.path);
    }
    target.items.push(buildItem(item, match, target.url));
  });
  return target;
}

function buildItem(raw: RawItem, match: MatchRecord | undefined, targetUrl: string): NoticeItem {
  const item = match ? itemFromMatch(match, targetUrl) : { mediaType: raw.mediaType, hashes: {}, classification: { interpol: 'unknown' as const }, hashListMatches: [], targetUrl };
  item.mediaType = raw.mediaType;
  item.hashes = { ...item.hashes, ...lowerHex(raw.hashes ?? {}) };
  if (raw.classification) item.classification = { ...raw.classification, ...defined('derivedFrom', item.classification.derivedFrom) };
  for (const key of ['victimAgeBand', 'victimGender', 'aiGenerated'] as const) {
    if (raw[key] !== undefined) (item as unknown as Record<string, unknown>)[key] = raw[key];
  }
  return item;
}

function lowerHex(hashes: NoticeItem['hashes']): NoticeItem['hashes'] {
  return Object.fromEntries(
    Object.entries(hashes).map(([name, value]) => [name, name === 'photodna' ? value : String(value).toLowerCase()]),
  );
}

/** An item from a `vigie match` record: hashes and list matches only, never the file's path (a local path). */
function itemFromMatch(record: MatchRecord, targetUrl: string | undefined): NoticeItem {
  const classification: ItemClassification = { interpol: 'unknown' };
  if (record.category) {
    classification.derivedFrom = record.category.text;
    if (record.category.scheme === 'inhope-baseline') classification.interpol = 'baseline';
    else if (record.category.scheme === 'inhope-national') classification.interpol = 'national';
  }
  const item: NoticeItem = {
    mediaType: record.media ?? 'other',
    hashes: { ...record.hashes },
    classification,
    hashListMatches: record.matches.map((m) => ({
      set: m.set,
      entry: m.entry,
      signal: m.signal,
      distance: m.distance,
      ...(m.category ? { category: `${m.category.scheme}:${m.category.value}` } : {}),
      ...(m.source !== undefined ? { source: m.source } : {}),
    })),
  };
  if (targetUrl) item.targetUrl = targetUrl;
  return item;
}

function sameUrl(a: string | undefined, url: URL): boolean {
  if (!a) return false;
  try {
    return new URL(a).href === url.href;
  } catch {
    return false;
  }
}

function findResolution(records: Located<ResolutionRecord>[], url: URL): Located<ResolutionRecord> | undefined {
  return records.find((r) => sameUrl(r.record.url, url) || sameUrl(r.record.input, url));
}

function findHosting(records: Located<HostingInfo>[], url: URL): Located<HostingInfo> | undefined {
  const host = url.hostname.toLowerCase();
  return (
    records.find((r) => sameUrl(r.record.target, url)) ??
    records.find((r) => r.record.host?.toLowerCase() === host || (r.record.kind !== 'ip' && r.record.target.toLowerCase() === host))
  );
}

/** The IP and port actually used: the last hop that connected (the one that served the content). */
function joinResolution(target: CaseTarget, { record, where }: Located<ResolutionRecord>): void {
  target.provenance.push(where);
  if (record.host) target.host = record.host.unicode;
  if (record.registrableDomain) target.registrableDomain = record.registrableDomain;
  if (record.finalUrl && record.finalUrl !== target.url) target.finalUrl = record.finalUrl;
  // `resolvedAt` is how vigie 0.1 named it; records written then are still read.
  target.observedAt ??= record.observedAt ?? (record as { resolvedAt?: string }).resolvedAt;
  const hop = [...record.hops].reverse().find((h) => h.ip !== undefined);
  if (hop) {
    target.ip = hop.ip!;
    if (hop.port !== undefined) target.port = hop.port;
    target.ipObservedAt = hop.timestamp;
    if (hop.status !== undefined) target.httpStatus = hop.status;
  } else if (record.finalAddresses?.[0]) {
    target.ip = record.finalAddresses[0].address;
  }
}

function joinHosting(target: CaseTarget, { record, where }: Located<HostingInfo>, issues: InputIssue[]): void {
  target.provenance.push(where);
  const domain = record.registrableDomain ?? record.registryDomain;
  if (domain) target.registrableDomain ??= domain;
  const address = record.addresses.find((a) => a.address === target.ip) ?? record.addresses.find((a) => a.country);
  if (address) {
    target.ip ??= address.address;
    if (address.country) {
      target.hostingCountry = address.country;
      if (address.countrySource) target.hostingCountrySource = address.countrySource;
    }
    if (address.asn !== undefined) target.asn = address.asn;
    if (address.asOrganization) target.asOrganization = address.asOrganization;
    if (address.network?.holder) target.hostingProvider = address.network.holder;
  }
  const registration = record.registration;
  if (registration?.registrar) target.registrar = registration.registrar;
  if (registration?.registrarIanaId) target.registrarIanaId = registration.registrarIanaId;
  if (registration?.registrarCountry && /^[A-Z]{2}$/.test(registration.registrarCountry)) {
    target.registrarCountry = registration.registrarCountry;
  }
  const disagreement = record.disagreements.find((d) => d.field === 'country');
  if (disagreement) target.countryDisagreement = disagreement.values.map((v) => ({ value: v.value, source: v.source }));
  record.abuseContacts.forEach((contact, index) => {
    if (contact.email !== undefined && !isEmailAddress(contact.email)) {
      issues.push({ path: `${where} abuseContacts[${index}].email`, message: 'is not an e-mail address' });
    }
  });
  target.abuseContacts = record.abuseContacts.map((c) => ({ ...c, provenance: [...c.provenance] }));
}

function checkUrl(text: string, path: string, issues: InputIssue[]): URL | undefined {
  // WHATWG parsing silently drops CR, LF and tabs: refuse them first, or a header injection would pass unseen.
  // eslint-disable-next-line no-control-regex -- these are the characters refused
  if (/[\u0000-\u0020\u007f]/.test(text)) {
    issues.push({ path, message: 'contains control characters or spaces' });
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    issues.push({ path, message: 'is not a URL' });
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    issues.push({ path, message: `scheme ${url.protocol} is not http or https` });
    return undefined;
  }
  if (!isHostName(url.hostname)) {
    issues.push({ path, message: `host "${url.hostname.slice(0, 100)}" is not a valid host name` });
    return undefined;
  }
  return url;
}

/** A DNS name (ASCII, as WHATWG gives it), an IPv4 address or a bracketed IPv6 address. */
export function isHostName(host: string): boolean {
  if (/^\[[0-9a-f:.]+\]$/i.test(host)) return true;
  if (host.length > 253) return false;
  return host.split('.').every((label) => /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/i.test(label));
}

function checkTimeZone(zone: string, path: string, issues: InputIssue[]): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    issues.push({ path, message: `"${zone.slice(0, 100)}" is not an IANA time zone (e.g. Europe/Paris)` });
  }
}

function checkCategory(code: string, path: string, categories: CategoryTable, issues: InputIssue[]): void {
  if (!categories.byCode.has(code)) {
    issues.push({ path, message: `unknown category "${code.slice(0, 100)}" (known: ${[...categories.byCode.keys()].join(', ')})` });
  }
}

async function readRecords(files: CaseSourceFiles, shown: CaseSourceFiles, issues: InputIssue[]): Promise<Records> {
  const [resolutions, hosting, matches] = await Promise.all([
    files.resolve ? readJsonLines<ResolutionRecord>(files.resolve, shown.resolve!, 'resolve', isResolutionRecord, issues) : [],
    files.geo ? readJsonLines<HostingInfo>(files.geo, shown.geo!, 'geo', isHostingInfo, issues) : [],
    files.match ? readJsonLines<MatchRecord>(files.match, shown.match!, 'match', isMatchRecord, issues) : [],
  ]);
  return { resolutions, hosting, matches: matches.map(({ record, where }) => ({ record: fromVigie01Match(record), where })) };
}

/** Records of a JSON Lines file; records carrying `error` (a failed lookup) are skipped, as their tools reported them. */
async function readJsonLines<T>(
  path: string,
  name: string,
  tool: string,
  accept: (value: Record<string, unknown>) => boolean,
  issues: InputIssue[],
): Promise<Located<T>[]> {
  const records: Located<T>[] = [];
  const stream = createReadStream(path, { encoding: 'utf8' });
  try {
    await new Promise<void>((resolveOpen, reject) => {
      stream.once('open', () => resolveOpen());
      stream.once('error', reject);
    });
  } catch (error) {
    issues.push({ path: name, message: `cannot read: ${(error as NodeJS.ErrnoException).code ?? 'error'}` });
    return records;
  }
  let line = 0;
  for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) {
    line++;
    if (text.trim() === '') continue;
    const where = `${name}:${line}`;
    if (text.length > MAX_RECORD_LINE_CHARS) {
      issues.push({ path: where, message: `line longer than ${MAX_RECORD_LINE_CHARS} characters` });
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      issues.push({ path: where, message: `not JSON (expected vigie ${tool} output)` });
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !accept(value as Record<string, unknown>)) {
      issues.push({ path: where, message: `not a vigie ${tool} record` });
      continue;
    }
    if ('error' in value) continue;
    records.push({ record: value as T, where });
  }
  return records;
}

// `resolvedAt` is how vigie 0.1 named `observedAt`.
const isResolutionRecord = (v: Record<string, unknown>) =>
  typeof v.input === 'string' && Array.isArray(v.hops) && (typeof v.observedAt === 'string' || typeof v.resolvedAt === 'string');
const isHostingInfo = (v: Record<string, unknown>) =>
  typeof v.target === 'string' && Array.isArray(v.addresses) && Array.isArray(v.abuseContacts) && Array.isArray(v.disagreements);
const isMatchRecord = (v: Record<string, unknown>) =>
  typeof v.path === 'string' && ('error' in v || (typeof v.hashes === 'object' && Array.isArray(v.matches)));

/** A match entry as vigie 0.1 wrote it: the category as a bare value beside its scheme. */
interface Vigie01Match {
  category?: unknown;
  scheme?: unknown;
}

/**
 * A `vigie match` record of vigie 0.1 (`pdq_quality`, each match's category a string beside `scheme`) read as the
 * current shape, so that a list match's category reaches the notice as `scheme:value` and not as `undefined:undefined`.
 */
function fromVigie01Match(record: MatchRecord): MatchRecord {
  const old = record as MatchRecord & { pdq_quality?: number };
  if (old.pdq_quality === undefined && !record.matches.some((m) => typeof m.category === 'string')) return record;
  const { pdq_quality: pdqQuality, ...rest } = old;
  return {
    ...rest,
    ...(pdqQuality !== undefined && rest.pdqQuality === undefined ? { pdqQuality } : {}),
    matches: record.matches.map((match) => {
      const { category, scheme, ...fields } = match as typeof match & Vigie01Match;
      if (typeof category !== 'string') return match;
      return typeof scheme === 'string' ? { ...fields, category: { scheme, value: category } } : fields;
    }),
  };
}

/**
 * What the case lacks for notices to be drafted, each with its path (`caseRef`, `notifier.contactEmail`,
 * `targets[1].category`). A field no target has is reported once, case-wide (`category`), not per target.
 */
export function missingCaseFields(input: CaseInput, categories: CategoryTable): InputIssue[] {
  const missing: InputIssue[] = [];
  if (!input.caseRef) missing.push({ path: 'caseRef', message: 'is required (the case reference, e.g. PDC-2026-000123)' });
  for (const field of ['organisation', 'organisationDomain', 'contactEmail', 'country', 'analystRef'] as const) {
    if (!input.notifier[field]) missing.push({ path: `notifier.${field}`, message: 'is required' });
  }
  const isCsam = (target: CaseTarget) => categories.byCode.get(target.category ?? input.category ?? '')?.csam === true;
  const perTarget = (field: 'category' | 'reasoning' | 'description', needs: (t: CaseTarget) => boolean) => {
    const lacking = input.targets.filter((t) => needs(t) && !(t[field] ?? input[field]));
    if (lacking.length === 0) return;
    if (input.targets.every((t) => t[field] === undefined) && input[field] === undefined) {
      missing.push({ path: field, message: `is required (case-wide, or per target)` });
    } else {
      for (const t of lacking) missing.push({ path: `${t.where}.${field}`, message: `is required (or a case-wide ${field})` });
    }
  };
  perTarget('category', () => true);
  perTarget('reasoning', () => true);
  // Child sexual abuse material is never described, so it never lacks a description.
  perTarget('description', (t) => (t.category ?? input.category) !== undefined && !isCsam(t));
  return missing;
}
