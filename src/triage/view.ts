/**
 * What `vigie case` shows of a report. Content the hash lists already qualified is never put in front of an analyst
 * again: for an auto-qualified report (or one an analyst judged illegal) the media paths are removed from what is
 * shown and exported, leaving only hashes and matches. URLs are shown defanged in the review, so that a click in a
 * terminal does not open them.
 */
import { makeCategory, type Category } from '../core/categories.js';
import { ExitCode, VigieError } from '../core/errors.js';
import { defangUrl } from '../notices/index.js';
import type { CaseReport } from './store/index.js';

const WITHHELD = '(withheld: auto-qualified content)';

/** True when the report's content is known illegal: its media must not be offered for viewing. */
export function contentWithheld(report: CaseReport): boolean {
  return report.report.status === 'auto-qualified' || report.qualification?.status === 'auto-qualified' || report.decision?.verdict === 'illegal';
}

/** The report as `case show` and `case export` give it: everything known, with media paths withheld when required. */
export function caseView(report: CaseReport): CaseReport {
  if (!contentWithheld(report)) return report;
  const { media: _media, ...rest } = report.report;
  return {
    ...report,
    report: { ...rest, ...(report.report.media !== undefined && { media: WITHHELD }) },
    media: report.media.map((media) => ({
      ...media,
      path: WITHHELD,
      hashRecord: { ...media.hashRecord, path: WITHHELD },
      ...(media.matchRecord && { matchRecord: { ...media.matchRecord, path: WITHHELD } }),
    })),
  };
}

/** `scheme:value` (`vics-us:1`, `caid:A`): a category the tables know, or one of a scheme they do not. */
export function parseCategory(text: string): Category {
  const at = text.indexOf(':');
  if (at <= 0 || at === text.length - 1) {
    throw new VigieError('usage', `--category takes scheme:value (e.g. vics-us:1, caid:A), not "${text.slice(0, 40)}"`, ExitCode.usage);
  }
  const result = makeCategory(text.slice(0, at).trim(), text.slice(at + 1).trim());
  if ('error' in result) throw new VigieError('usage', `--category: ${result.error}`, ExitCode.usage);
  return result.category;
}

/** The facts the review shows for one report, one per line: never the media, only what the lists and lookups said. */
export function reviewLines(report: CaseReport): string[] {
  const hosting = report.hosting?.info;
  const address = hosting?.addresses[0];
  const lines = [
    `report     ${report.report.id}  (${report.report.source}, received ${report.report.reportedAt})`,
    `url        ${defangUrl(report.url?.url ?? report.report.url)}`,
    `hosting    ${address ? `${address.address} ${address.country ?? '??'} ${address.network?.holder ?? address.asOrganization ?? ''}`.trim() : (hosting?.error?.message ?? 'unknown')}`,
    `claimed    ${report.report.categoryClaimed ?? '-'}`,
  ];
  const matches = report.media.flatMap((media) => media.matchRecord?.matches ?? []);
  for (const match of matches.slice(0, 5)) {
    const { category } = match;
    lines.push(`match      set ${match.set}, ${category ? `${category.scheme} ${category.value}` : 'no category'}, ${match.signal} distance ${match.distance}`);
  }
  if (matches.length === 0) lines.push('match      none');
  for (const reason of report.qualification?.reasons ?? []) lines.push(`why        ${reason}`);
  return lines;
}
