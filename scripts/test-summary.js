// Prints vitest's JSON report as the one line CI reads: "N passed, N failed[, N skipped]".
// Exits 1 when anything failed or the report is missing (a suite that crashed before reporting is a failure).
import { readFileSync } from 'node:fs';

const [reportPath] = process.argv.slice(2);
let report;
try {
  report = JSON.parse(readFileSync(reportPath, 'utf8'));
} catch {
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const failedSuites = report.numFailedTestSuites ?? 0;
const failed = report.numFailedTests + (report.numFailedTests === 0 ? failedSuites : 0);
const skipped = report.numPendingTests + report.numTodoTests;
console.log(`${report.numPassedTests} passed, ${failed} failed` + (skipped > 0 ? `, ${skipped} skipped` : ''));
process.exit(failed > 0 || report.success === false ? 1 : 0);
