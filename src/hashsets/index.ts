/** The hash sets domain: list formats in and out, the native store, manifests, signatures and verification. */
export { loadHashSet, entriesOf, isNativeStore } from './store-reader.js';
export { StoreWriter, writeHashSet, type StoreSummary, type StoreWriterOptions } from './store-writer.js';
export { detectFormat, type DetectedFormat } from './detect.js';
export { readListAsHashRecords } from './query-records.js';
export { importHashSet, readList, type FileImportReport, type ImportResult, type ImportSetOptions } from './import.js';
export type { ImportOptions, SkippedLine } from './import-context.js';
export { DEFAULT_MAX_LINE_BYTES } from './lines.js';
export { exportHashSet, formatEntries, type ExportOptions } from './export.js';
export { FORMAT_NAMES, EXPORT_FORMATS, type FormatName } from './formats/index.js';
export { parseColumnMap } from './formats/csv.js';
export { buildManifest, writeManifest, readManifest, manifestPathOf, type Manifest } from './manifest.js';
export { signFile, checkSignature, signaturePathOf } from './signing.js';
// Key generation is shared with notice bundles (src/core/signing.ts); re-exported so the hash-set API is unchanged.
export { generateKeys } from '../core/signing.js';
export { verifyHashSet, formatProblem, type VerifyOptions, type VerifyProblem, type VerifyReport } from './verify.js';
export {
  hashSetStats,
  diffHashSets,
  mergeHashSets,
  type HashSetStats,
  type HashSetDiff,
  type DiffChange,
  type MergeResult,
  type MergeConflict,
} from './operations.js';
