/** src/triage's public entry: batch triage on a case store, for the CLI and library users. */
export {
  readReports,
  parseColumnMapping,
  parseHashes,
  parseReportedAt,
  locateMedia,
  batchLabel,
  REPORT_FIELDS,
  MAX_REPORT_URL_LENGTH,
  type ReportRow,
  type ReportField,
  type ReadProblem,
  type ReadItem,
  type ReadReportsOptions,
} from './reports.js';
export { qualify, priorityTable, type Qualification, type QualifyInput, type QualifyMatch, type PriorityTable } from './qualify.js';
export {
  runTriage,
  DEFAULT_LEASE_MS,
  urlFacts,
  matchesOf,
  STEPS,
  type Step,
  type TriageOptions,
  type TriageSummary,
  type ProgressEvent,
  type ResolveUrl,
  type LocateTarget,
  type MatchHashes,
  type DraftNotices,
} from './pipeline.js';
export { STAGES, StageClock, type Stage, type StageTiming, type RunTimings } from './timings.js';
export * from './store/index.js';
export { caseView, contentWithheld, parseCategory, reviewLines } from './view.js';
export { createDrafter, readNotifier, reportCase, type DraftOptions } from './drafts.js';
// Follow-up and statistics (issue 15): the yearly figures from grouped queries, the HTML report, re-check verdicts.
export { collectFigures, outcomeRow, type CollectOptions, type ReportOutcomeRow } from './report/collect.js';
export type { CountRow, ReportFigures } from './report/figures.js';
export { renderReportHtml, type HtmlReportOptions, type ReportLanguage } from './report/html.js';
export { classifyRecheck, type ClassifyOptions, type MediaValidators, type RecheckVerdict } from './recheck/classify.js';
export {
  runRecheck,
  isDirectMedia,
  type RecheckOptions,
  type RecheckRecord,
  type RecheckResolve,
  type RecheckSummary,
  type DraftFollowUps,
} from './recheck/run.js';
export { createFollowUps, defaultReminderDays, type FollowUpOptions, type ReporterLanguage } from './recheck/follow-up.js';
