/** The CSV column reader lives in src/core/csv.ts (one CSV reader for the project). */
export { csvColumn } from '../core/csv.js';
