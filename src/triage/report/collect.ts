import type { CaseStore } from '../store/case-store.js';
import type { GroupCount } from '../store/records.js';
import type { OutcomeFacts, RangeOptions } from '../store/queries.js';
import type { CountRow, ReportFigures } from './figures.js';

/** What a report's figures are counted from, and what they say about themselves. */
export interface CollectOptions {
  range?: RangeOptions;
  caseName: string;
  producer: string;
  /** When the figures are counted (UTC ISO-8601): the command's clock. */
  observedAt: string;
}

/**
 * The figures of `vigie report`, each a grouped query run by the case's database (none loads the reports into
 * JavaScript): reports by source and month over everything received in the range; categories, hosting countries, TLDs
 * and providers over the reports whose content is illegal (the analyst's verdict, else auto-qualification).
 */
export async function collectFigures(store: CaseStore, options: CollectOptions): Promise<ReportFigures> {
  const range = options.range ?? {};
  const illegal = { ...range, illegalOnly: true };
  const [bySource, byMonth, verdicts, byCategory, hostingCountries, tlds, hostingProviders, noticesByKind, removal] = await Promise.all([
    store.countBy('source', range),
    store.countBy('month', range),
    store.countBy('verdict', range),
    store.countBy('category', illegal),
    store.countBy('country', illegal),
    store.countBy('tld', illegal),
    store.countBy('provider', illegal),
    store.countBy('notice-kind', range),
    store.removalCounts(range),
  ]);
  const rows = (groups: GroupCount[]): CountRow[] => groups.map((group) => ({ key: group.key ?? 'unknown', count: group.count }));
  const total = (groups: GroupCount[]) => groups.reduce((sum, group) => sum + group.count, 0);
  return {
    period: { ...(range.from ? { from: range.from } : {}), ...(range.to ? { to: range.to } : {}) },
    observedAt: options.observedAt,
    producer: options.producer,
    caseName: options.caseName,
    reports: total(bySource),
    assessed: total(verdicts.filter((group) => group.key !== null)),
    illegal: total(verdicts.filter((group) => group.key === 'illegal')),
    byCategory: rows(byCategory),
    bySource: rows(bySource),
    byMonth: rows(byMonth),
    hostingCountries: rows(hostingCountries),
    tlds: rows(tlds),
    hostingProviders: rows(hostingProviders),
    noticesByKind: rows(noticesByKind),
    removal,
  };
}

/** One line of `vigie report -f csv|jsonl`: a report and its outcome, flat, with no media path and no hash. */
export interface ReportOutcomeRow {
  id: string;
  reportedAt: string;
  source: string;
  url: string;
  domain: string;
  tld: string;
  hostingCountry: string;
  /** The host's provider as the figures count it: the network holder, else the AS organisation. */
  hostingProvider: string;
  status: string;
  /** `illegal`, `not-illegal`, or empty when not decided. */
  verdict: string;
  /** The category in force, `scheme:value`. */
  category: string;
  /** `analyst` when an analyst decided, `automatic` when a hash-list match qualified it, else empty. */
  decidedBy: string;
  /** Notice kinds drafted or sent for the report, `;`-separated. */
  notices: string;
  /** When a re-check first found the URL removed. */
  removedAt: string;
}

/** The outcome row of one exported report, from the store's facts (the same rules as the grouped counts). */
export function outcomeRow(facts: OutcomeFacts): ReportOutcomeRow {
  return {
    id: facts.id,
    reportedAt: facts.reportedAt,
    source: facts.source,
    url: facts.url ?? facts.urlInput,
    domain: facts.domain ?? '',
    tld: facts.tld ?? '',
    hostingCountry: facts.country ?? '',
    hostingProvider: facts.provider ?? '',
    status: facts.status,
    verdict: facts.verdict ?? '',
    category: facts.category ?? '',
    decidedBy: facts.decidedBy ?? '',
    notices: facts.noticeKinds.join(';'),
    removedAt: facts.removedAt ?? '',
  };
}
