/**
 * The one call every notice command and triage make: read the input (case file, or JSON Lines files with a category
 * and a description), load the rules and data, route every target, assemble the notices.
 */
import type { Notice } from '../core/notice.js';
import { assembleNotices, type HeldNotice } from './assemble.js';
import { loadCaseData, loadCaseFile, loadCaseFromFiles, type CaseInput, type LoadCaseOptions } from './case-input.js';
import { loadCategories, loadHotlines } from './data.js';
import { loadRoutingRules, routeCase, type RoutingContext, type TargetRouting } from './routing.js';

export interface PrepareOptions extends LoadCaseOptions {
  /** Case file (YAML or JSON); without it, `files` must name the JSON Lines files. */
  casePath?: string;
  /** A case file's data held in memory instead (`vigie notice new`), with where its `sources` are relative to. */
  caseData?: { raw: Record<string, unknown>; source: string; baseDir: string };
  /** Routing rules file (`--rules`); default data/notices/routing.yaml. */
  rulesPath?: string;
  /** Creation time of the notices (`--now`). */
  now?: string;
}

export interface PreparedCase {
  input: CaseInput;
  context: RoutingContext;
  routings: TargetRouting[];
}

/** Reads and routes a case, without assembling (what `vigie notice route` prints). */
export async function routeInput(options: PrepareOptions): Promise<PreparedCase> {
  const [categories, hotlines, rules] = await Promise.all([loadCategories(), loadHotlines(), loadRoutingRules(options.rulesPath)]);
  const loadOptions: LoadCaseOptions = { ...options, categories };
  const input = options.caseData
    ? await loadCaseData(options.caseData.raw, options.caseData.source, options.caseData.baseDir, loadOptions)
    : options.casePath
      ? await loadCaseFile(options.casePath, loadOptions)
      : await loadCaseFromFiles(loadOptions);
  const context: RoutingContext = { rules, categories, hotlines };
  return { input, context, routings: routeCase(input, context) };
}

/** Reads, routes and assembles: the notices to render, and the ones held for the analyst. */
export async function prepareNotices(options: PrepareOptions): Promise<PreparedCase & { notices: Notice[]; held: HeldNotice[] }> {
  const prepared = await routeInput(options);
  const { notices, held } = assembleNotices(prepared.input, prepared.routings, prepared.context, { now: options.now });
  return { ...prepared, notices, held };
}
