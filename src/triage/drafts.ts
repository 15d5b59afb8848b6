/**
 * Notice drafts for a qualified report, through the notices library: the report becomes a one-target case (its URL
 * as resolved, its host's facts and abuse contacts with their provenance, its media as hashes and list matches, never
 * the media), the routing rules decide the notices, the assembler builds them, and each is validated and written as
 * text and JSON under the drafts folder. Notice ids derive from the report id, recipient and kind, so a rerun writes
 * the same files and the case keeps each notice once.
 */
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { toSeconds } from '../core/clock.js';
import { writeFileAtomic } from '../core/atomic.js';
import type { Category } from '../core/categories.js';
import { ExitCode, VigieError } from '../core/errors.js';
import type { Notice, NoticeItem, Notifier } from '../core/notice.js';
import {
  assembleNotices,
  FORMAT_EXTENSIONS,
  loadCategories,
  loadHotlines,
  loadRoutingRules,
  routeCase,
  safeName,
  renderNotice,
  validateNotice,
  type CaseInput,
  type CaseTarget,
  type RoutingContext,
} from '../notices/index.js';
import type { DraftNotices } from './pipeline.js';
import type { CaseReport, NoticeEntry } from './store/index.js';

/** data/triage/legal-categories.json: hash-list category (`scheme:value`) → notices category code. */
const LEGAL_URL = new URL('../../data/triage/legal-categories.json', import.meta.url);

export interface DraftOptions {
  /** The hotline (organisation, contact, analyst pseudonym): `--notifier <file.json>`. */
  notifier: Notifier;
  /** Folder the drafts are written to (one folder per report). */
  dir: string;
  rulesPath?: string;
  producer: string;
}

/** Reads `--notifier`: a JSON object with the Notifier fields, each required one present. */
export function readNotifier(path: string): Notifier {
  let value: Partial<Notifier>;
  try {
    value = JSON.parse(readFileSync(path, 'utf8')) as Partial<Notifier>;
  } catch (error) {
    throw new VigieError('bad-notifier', `--notifier ${path}: not a JSON file (${(error as Error).message.slice(0, 80)})`, ExitCode.input);
  }
  const missing = (['organisation', 'organisationDomain', 'contactEmail', 'country', 'analystRef'] as const).filter((key) => typeof value[key] !== 'string' || !value[key]);
  if (missing.length > 0) throw new VigieError('bad-notifier', `--notifier ${path}: missing ${missing.join(', ')}`, ExitCode.input);
  return value as Notifier;
}

/** The notices category of a hash-list category, when the table maps it. */
function legalCategory(table: Record<string, string>, category: Category | undefined): string | undefined {
  return category ? table[`${category.scheme}:${category.value}`] : undefined;
}

/** A qualified report as the one target of a notices case. */
export function reportCase(report: CaseReport, notifier: Notifier, category: string): CaseInput {
  const resolution = report.url?.resolution;
  const hosting = report.hosting?.info;
  const address = hosting?.addresses[0];
  const hop = resolution?.hops.at(-1);
  const url = report.url?.url ?? report.report.url;
  const items: NoticeItem[] = report.media.map((media) => ({
    mediaType: 'media' in media.hashRecord && media.hashRecord.media === 'video' ? 'video' : 'image',
    hashes: 'hashes' in media.hashRecord ? media.hashRecord.hashes : {},
    classification: { interpol: 'unknown', ...(media.matchRecord?.category && { derivedFrom: media.matchRecord.category.text }) },
    targetUrl: url,
    hashListMatches: (media.matchRecord?.matches ?? []).map((match) => ({
      set: match.set,
      entry: match.entry,
      signal: match.signal,
      distance: match.distance,
      ...(match.category && { category: `${match.category.scheme}:${match.category.value}` }),
      ...(match.source && { source: match.source }),
    })),
  }));
  const target: CaseTarget = {
    where: `report ${report.report.id}`,
    url,
    ...(report.url?.host && { host: report.url.host }),
    ...(report.url?.domain && { registrableDomain: report.url.domain }),
    ...(resolution?.finalUrl && resolution.finalUrl !== url && { finalUrl: resolution.finalUrl }),
    observedAt: hop?.timestamp ?? resolution?.observedAt ?? report.report.reportedAt,
    observedTimeZone: 'UTC',
    ...(hop?.ip && { ip: hop.ip, ...(hop.port && { port: hop.port }), ipObservedAt: hop.timestamp }),
    ...(hop?.status && { httpStatus: hop.status }),
    ...(address?.asn && { asn: address.asn }),
    ...(address?.asOrganization && { asOrganization: address.asOrganization }),
    ...(address?.country && { hostingCountry: address.country, ...(address.countrySource && { hostingCountrySource: address.countrySource }) }),
    ...((address?.network?.holder ?? address?.asOrganization) && { hostingProvider: address?.network?.holder ?? address?.asOrganization }),
    ...(hosting?.registration?.registrar && { registrar: hosting.registration.registrar }),
    ...(hosting?.registration?.registrarIanaId && { registrarIanaId: hosting.registration.registrarIanaId }),
    ...(hosting?.registration?.registrarCountry && { registrarCountry: hosting.registration.registrarCountry }),
    ...(hosting?.disagreements.find((d) => d.field === 'country') && { countryDisagreement: hosting.disagreements.find((d) => d.field === 'country')!.values }),
    countrySettled: false,
    abuseContacts: hosting?.abuseContacts ?? [],
    category,
    reasoning: report.qualification?.reasons.join('; ') || 'qualified by an analyst',
    items,
    provenance: [`case report ${report.report.id}`],
  };
  return {
    source: `case report ${report.report.id}`,
    caseRef: report.report.id,
    notifier: { ...notifier, ...(report.decision?.analyst && { analystRef: report.decision.analyst }) },
    category,
    observedTimeZone: 'UTC',
    externalRefs: {},
    targets: [target],
    items: [],
  };
}

/** The drafting step of `runTriage`, with the rules and data loaded once. */
export async function createDrafter(options: DraftOptions): Promise<DraftNotices> {
  const [categories, hotlines, rules] = await Promise.all([loadCategories(), loadHotlines(), loadRoutingRules(options.rulesPath)]);
  const context: RoutingContext = { rules, categories, hotlines };
  const table = (JSON.parse(readFileSync(LEGAL_URL, 'utf8')) as { categories: Record<string, string> }).categories;
  return async (report) => {
    const category = legalCategory(table, report.decision?.category ?? report.qualification?.category);
    if (!category) return [];
    const input = reportCase(report, options.notifier, category);
    // The report's own time makes the drafts the same on every run (ids and files).
    const now = report.qualification && toSeconds(report.qualification.provenance.observedAt);
    const { notices } = assembleNotices(input, routeCase(input, context), context, { now });
    const entries: NoticeEntry[] = [];
    for (const notice of notices) entries.push(await writeDraft(notice, report.report.id, options));
    return entries;
  };
}

/** Validates a notice and writes it as text and JSON under `<dir>/<report>/<name>`; `vigie recheck` uses it too. */
export async function writeDraft(
  notice: Notice,
  reportId: string,
  options: Pick<DraftOptions, 'dir' | 'producer'>,
  baseName = `${notice.kind}-${notice.recipient.name}`,
): Promise<NoticeEntry> {
  const issues = validateNotice(notice);
  const folder = safeName(reportId);
  await mkdir(join(options.dir, folder), { recursive: true });
  const files: string[] = [];
  for (const format of ['txt', 'json'] as const) {
    const name = `${folder}/${safeName(baseName)}${FORMAT_EXTENSIONS[format]}`;
    await writeFileAtomic(join(options.dir, name), await renderNotice(notice, format));
    files.push(name);
  }
  return {
    id: notice.id,
    kind: notice.kind,
    status: 'draft',
    recipient: notice.recipient.name,
    reportIds: [reportId],
    files,
    record: issues.length > 0 ? { notice, issues } : notice,
    createdAt: notice.createdAt,
    producer: options.producer,
  };
}
