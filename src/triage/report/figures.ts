import type { RemovalCounts } from '../store/records.js';

/**
 * The figures of a hotline's yearly report (issue 15), as counted by the case store's grouped queries: the contract
 * between the store (which counts, in SQL) and the renderers (HTML charts, tables). Every count is of the period's
 * reports; a breakdown is a list of rows, largest first.
 */
export interface ReportFigures {
  /** The period counted, as given (`--from`/`--to`, ISO dates, inclusive); absent ends are open. */
  period: { from?: string; to?: string };
  /** When the figures were counted (UTC, ISO-8601). */
  observedAt: string;
  /** What counted them: `vigie <version>`. */
  producer: string;
  /** The case the figures come from (file name or database, credentials removed). */
  caseName: string;
  /** Reports received in the period. */
  reports: number;
  /** Reports with an outcome: qualified automatically or decided by an analyst (the illegal rate's denominator). */
  assessed: number;
  /** Reports whose content was qualified illegal (automatically from a list marked illegal, or by an analyst). */
  illegal: number;
  /** Illegal reports by offence category code (`csam`, `terrorism`…; notices' legal categories). */
  byCategory: CountRow[];
  /** Reports by source or channel (`public-form`, an INHOPE partner code…). */
  bySource: CountRow[];
  /** Reports by month of reception, `YYYY-MM`, in calendar order. */
  byMonth: CountRow[];
  /** Illegal URLs by hosting country (ISO 3166-1 alpha-2; `unknown` when no source located it). */
  hostingCountries: CountRow[];
  /** Illegal URLs by top-level domain (`com`, `fr`…, without the dot). */
  tlds: CountRow[];
  /** Illegal URLs by hosting provider (network holder's name, as the hosting lookup gave it). */
  hostingProviders: CountRow[];
  /** Notices drafted or sent, by kind (`host`, `registrar`, `pharos`, `iccam`…). */
  noticesByKind: CountRow[];
  /** Time to removal of the URLs put under notice in the period. */
  removal: RemovalCounts;
}

export interface CountRow {
  /** What is counted: a category code, a source, a month, a country code, a TLD, a provider name, a notice kind. */
  key: string;
  count: number;
}
