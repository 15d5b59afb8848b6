/**
 * The qualification a report's matches suggest. The rule is the hotline's first duty to its analysts and is kept
 * deliberately narrow: a report is auto-qualified only when a hash-list match carries a category that the category
 * table (data/categories.json, which the hotline edits) marks illegal, and no match of the same report says otherwise.
 * A match on a category marked not illegal (ThreatExchange NEGATIVE_CLASS or DISPUTED, VICS non-pertinent…), on a
 * category of unknown illegality, or matches that disagree, leave the report `needs-review` with the match shown as
 * what it is. Everything else is `needs-review`, ranked by data/triage/priority.json.
 */
import { readFileSync } from 'node:fs';
import { describeCategory, type Category } from '../core/categories.js';
import type { ErrorInfo } from '../core/errors.js';
import type { SignalName } from '../core/signals/index.js';
import type { Qualification } from './store/index.js';

export type { Qualification };

/** A hash-list match as the qualification looks at it (a `Match` of src/core/match.ts has these fields). */
export interface QualifyMatch {
  set: string;
  entry: string;
  signal: SignalName;
  distance: number;
  category?: Category;
  source?: string;
}

/** What one report brings to its qualification. */
export interface QualifyInput {
  /** The category the reporter claimed. */
  categoryClaimed?: string;
  source: string;
  /** Every match of every media item or partner hash of the report, in any order. */
  matches: QualifyMatch[];
  /** Other reports of the case on the same registrable domain. */
  sameDomainReports: number;
  /** Set when a step failed so that nothing can be suggested (a bad row, media that could not be hashed…). */
  error?: ErrorInfo;
}

interface WeightRule {
  match: string;
  weight: number;
}

/** data/triage/priority.json: the weights of the review queue. */
export interface PriorityTable {
  claimed: WeightRule[];
  sources: WeightRule[];
  repeatDomain: number;
  repeatDomainMax: number;
  nearMatch: number;
  notIllegalMatch: number;
}

const PRIORITY_URL = new URL('../../data/triage/priority.json', import.meta.url);
let defaultTable: PriorityTable | undefined;

/** The shipped priority table, read once. */
export function priorityTable(): PriorityTable {
  defaultTable ??= JSON.parse(readFileSync(PRIORITY_URL, 'utf8')) as PriorityTable;
  return defaultTable;
}

const categoryName = (category: Category) => `${category.scheme} ${category.value}${category.label ? ` (${category.label})` : ''}`;

function describeMatch(match: QualifyMatch, category: Category): string {
  return `${categoryName(category)}, set ${match.set}${match.source ? ` (source ${match.source})` : ''}, ${match.signal} distance ${match.distance}`;
}

const basisOf = (match: QualifyMatch): Qualification['basis'] => ({
  set: match.set,
  entry: match.entry,
  signal: match.signal,
  distance: match.distance,
  source: match.source ?? null,
});

/** The suggested qualification of one report. Pure: same input, same answer. */
export function qualify(input: QualifyInput, table: PriorityTable = priorityTable()): Qualification {
  if (input.error) return { status: 'failed', priority: 0, reasons: [`${input.error.code}: ${input.error.message}`], error: input.error };
  // Today's table decides, not the label stored with the list: an edit of data/categories.json reaches old sets.
  const categorised = input.matches
    .filter((match): match is QualifyMatch & { category: Category } => match.category !== undefined)
    .map((match) => ({ match, category: describeCategory(match.category) }))
    .sort((a, b) => a.match.distance - b.match.distance);
  const illegal = categorised.filter(({ category }) => category.illegal === true);
  const notIllegal = categorised.filter(({ category }) => category.illegal === false);
  const unknown = categorised.filter(({ category }) => category.illegal === undefined);
  const reasons: string[] = [];
  if (illegal.length > 0 && notIllegal.length === 0) {
    const best = illegal[0];
    reasons.push(`matched ${describeMatch(best.match, best.category)}: a category marked illegal`);
    return { status: 'auto-qualified', category: best.category, illegal: true, priority: 0, reasons, basis: basisOf(best.match) };
  }
  let priority = 0;
  let shown: { match: QualifyMatch; category: Category } | undefined;
  if (illegal.length > 0) {
    shown = illegal[0];
    const other = notIllegal[0];
    reasons.push(
      `matches disagree: ${describeMatch(illegal[0].match, illegal[0].category)} is marked illegal but ` +
        `${describeMatch(other.match, other.category)} is marked not illegal; an analyst decides`,
    );
    priority += table.nearMatch;
  } else if (unknown.length > 0) {
    shown = unknown[0];
    reasons.push(`matched ${describeMatch(shown.match, shown.category)}: the category table does not say whether it is illegal`);
    priority += table.nearMatch;
  } else if (notIllegal.length > 0) {
    shown = notIllegal[0];
    reasons.push(`matched ${describeMatch(shown.match, shown.category)}: a category marked NOT illegal, never auto-qualified`);
    priority += table.notIllegalMatch;
  } else if (input.matches.length > 0) {
    reasons.push(`matched ${input.matches.length} list entr${input.matches.length === 1 ? 'y' : 'ies'} without a category`);
    priority += table.nearMatch;
  }
  const claimed = input.categoryClaimed?.toLowerCase();
  const claimedRule = claimed === undefined ? undefined : table.claimed.find((rule) => claimed.includes(rule.match.toLowerCase()));
  if (claimedRule && claimedRule.weight !== 0) {
    priority += claimedRule.weight;
    reasons.push(`claimed category "${input.categoryClaimed}" +${claimedRule.weight}`);
  }
  const source = input.source.toLowerCase();
  const sourceRule = table.sources.find((rule) => source.startsWith(rule.match.toLowerCase()));
  if (sourceRule && sourceRule.weight !== 0) {
    priority += sourceRule.weight;
    reasons.push(`source ${input.source} +${sourceRule.weight}`);
  }
  const repeat = Math.min(input.sameDomainReports * table.repeatDomain, table.repeatDomainMax);
  if (repeat > 0) {
    priority += repeat;
    reasons.push(`${input.sameDomainReports} other report(s) on the same domain +${repeat}`);
  }
  return {
    status: 'needs-review',
    ...(shown && { category: shown.category, illegal: shown.category.illegal ?? null, basis: basisOf(shown.match) }),
    priority,
    reasons,
  };
}
