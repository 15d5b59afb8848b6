/** src/triage's public entry: the case store (and, with the pipeline, the batch triage). */
export * from './store/index.js';
// Follow-up and statistics (issue 15): the yearly figures from grouped queries, the HTML report, re-check verdicts.
export { collectFigures, outcomeRow, type CollectOptions, type ReportOutcomeRow } from './report/collect.js';
export type { CountRow, ReportFigures } from './report/figures.js';
export { renderReportHtml, type HtmlReportOptions, type ReportLanguage } from './report/html.js';
export { classifyRecheck, type ClassifyOptions, type MediaValidators, type RecheckVerdict } from './recheck/classify.js';
