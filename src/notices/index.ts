/** The notices domain: case input, routing, assembly, validation (model helper); renderers and bundles add theirs below. */
export {
  CaseInputError,
  DEFAULT_TIME_ZONE,
  formatIssues,
  isHostName,
  loadCaseData,
  loadCaseFile,
  readCaseData,
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
// Bundles (bundle helper): writing, verifying and sending notice bundles.
export { writeBundle, type BundleOptions, type BundleSummary, type RenderNotice } from './bundle.js';
export {
  BUNDLE_VERSION,
  MANIFEST_NAME,
  SIGNATURE_NAME,
  safeName,
  sentLogPath,
  type BundleFile,
  type BundleManifest,
  type BundleNotice,
} from './bundle-layout.js';
export { verifyBundle, type BundleProblem, type BundleVerifyOptions, type BundleVerifyReport } from './verify.js';
export { sendBundle, type SendOptions, type SendSummary, type SentLogRecord } from './send.js';
// Renderers (render helper): templates, text, .eml, PDF, JSON, XARF v4, and the template check.
export {
  buildView,
  buildXarf,
  defangHost,
  defangUrl,
  FORMAT_EXTENSIONS,
  formatsFor,
  headerValue,
  messageId,
  multiLine,
  NOTICE_FORMATS,
  NOTICE_LANGUAGES,
  noticeLanguage,
  renderEml,
  renderJson,
  renderNotice,
  renderPdf,
  renderText,
  renderTextParts,
  renderXarf,
  SHIPPED_TEMPLATES_DIR,
  singleLine,
  templateFileName,
  VIEW_SHAPE,
  XARF_VERSION,
  xarfType,
  type NoticeFormat,
  type NoticeLanguage,
  type RenderedTemplate,
  type RenderOptions,
  type TemplateView,
  type XarfType,
} from './render/index.js';
export { checkTemplates, REQUIRED_ELEMENTS, type TemplateCheckReport, type TemplateFinding } from './render/check.js';
