/** The notices domain: case input, routing, assembly, validation (model helper); renderers and bundles add theirs below. */
export {
  CaseInputError,
  DEFAULT_TIME_ZONE,
  formatIssues,
  isHostName,
  loadCaseFile,
  loadCaseFromFiles,
  MAX_CASE_FILE_BYTES,
  missingCaseFields,
  schemaIssues,
  type CaseInput,
  type CaseSourceFiles,
  type CaseTarget,
  type InputIssue,
  type LoadCaseOptions,
  type ManualRecipient,
} from './case-input.js';
export {
  loadCategories,
  loadHotlines,
  NOTICES_DATA_DIR,
  type CategoryTable,
  type HotlineTable,
  type InhopeHotline,
  type LegalCategory,
} from './data.js';
export {
  BLOCKING_FLAGS,
  conditionsHold,
  DEFAULT_RULES_PATH,
  loadRoutingRules,
  parseRoutingRules,
  recipientFor,
  routeCase,
  routeTarget,
  targetFacts,
  type RoutedNotice,
  type RoutingConditions,
  type RoutingContext,
  type RoutingFlag,
  type RoutingRule,
  type RoutingRules,
  type TargetFacts,
  type TargetRouting,
} from './routing.js';
export { assembleNotices, parseNow, type AssembledNotices, type AssembleOptions, type HeldNotice } from './assemble.js';
export { isEmailAddress, validateNotice, type ValidateOptions, type ValidationIssue } from './validate.js';
export { prepareNotices, routeInput, type PrepareOptions, type PreparedCase } from './prepare.js';
export { MAX_YAML_ALIAS_COUNT, parseYamlText } from './yaml.js';
