/**
 * The case store: one interface over an embedded SQLite file (the default) or a PostgreSQL database (a team's shared
 * case). This module holds only types and the opener; the drivers (better-sqlite3 or pg) and Kysely are loaded when
 * a case is opened, so commands that never open one do not pay for them.
 */
import type { OpenOptions } from './backend.js';
import type { CaseStore } from './case-store.js';

export type { CaseStore } from './case-store.js';
export type { CaseQueries, CaseTotals, ListOptions, OutcomeFacts, RangeOptions } from './queries.js';
export type { Dialect, OpenOptions } from './backend.js';
export * from './records.js';
export { defaultDraftsDir, isPostgresLocation } from './location.js';

/**
 * Opens (creating it if needed) the case at `location`: a file path for SQLite, `postgres://…` for PostgreSQL. A file
 * that is not SQLite, a database that is not a Vigie case, or a case from a newer Vigie is refused with a VigieError
 * (exit 3) before anything is written.
 */
export async function openCaseStore(location: string, options: OpenOptions = {}): Promise<CaseStore> {
  const [{ openBackend }, { CaseStore: Store }] = await Promise.all([import('./backend.js'), import('./case-store.js')]);
  return new Store(await openBackend(location, options));
}
