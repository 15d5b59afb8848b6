/**
 * Opening a case: the only module that knows SQLite from PostgreSQL. It loads the driver actually used (dynamic
 * imports, so the CLI does not load either until a command opens a case), checks that the database is a case this
 * Vigie can read before changing anything, applies the migrations, and turns driver errors into VigieErrors.
 */
import { closeSync, openSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { ExitCode, VigieError } from '../../core/errors.js';
import { CASE_FORMAT, MIGRATIONS, SCHEMA_VERSION } from './migrations.js';
import type { CaseDatabase } from './schema.js';
import { StatementCache } from './statements.js';
import { isPostgresLocation } from './location.js';

export type Dialect = 'sqlite' | 'postgres';

export interface OpenOptions {
  /** SQLite: how long a write waits for another process's transaction before failing (default 10 s). */
  busyTimeoutMs?: number;
  /** PostgreSQL: connections in the pool (default 4). */
  poolSize?: number;
  /** Who creates the case (written to `meta.createdBy`), e.g. `vigie 0.1.0`. */
  producer?: string;
}

export interface Backend {
  dialect: Dialect;
  db: Kysely<CaseDatabase>;
  /** The location as given, with any password removed (for messages). */
  label: string;
  busyTimeoutMs: number;
  /** Hot statements, compiled once for this case. */
  statements: StatementCache;
}

const SQLITE_HEADER = 'SQLite format 3\0';

export async function openBackend(location: string, options: OpenOptions = {}): Promise<Backend> {
  const backend = isPostgresLocation(location)
    ? await openPostgres(location, options)
    : await openSqlite(location, options);
  try {
    await prepareSchema(backend, options.producer ?? 'vigie');
  } catch (error) {
    await backend.db.destroy();
    throw translateError(error, backend);
  }
  return backend;
}

async function openSqlite(path: string, options: OpenOptions): Promise<Backend> {
  const label = path;
  const size = await stat(path).then(
    (s) => {
      if (!s.isFile()) throw new VigieError('case-not-file', `${path} is not a file: a case is a SQLite file.`);
      return s.size;
    },
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return -1;
      throw error;
    },
  );
  if (size > 0) {
    const handle = await open(path, 'r');
    try {
      const header = Buffer.alloc(16);
      await handle.read(header, 0, 16, 0);
      if (header.toString('latin1') !== SQLITE_HEADER) {
        throw new VigieError('case-not-sqlite', `${path} is not a Vigie case: it is not a SQLite database.`);
      }
    } finally {
      await handle.close();
    }
  }
  const { default: Database } = await import('better-sqlite3');
  const busyTimeoutMs = options.busyTimeoutMs ?? 10_000;
  let database;
  try {
    // A case holds evidence: the file is created 0600 (SQLite gives its -wal and -shm files the same mode).
    if (size < 0) closeSync(openSync(path, 'wx', 0o600));
    database = new Database(path, { timeout: busyTimeoutMs });
    // WAL is a property of the file, set when the file is created (an existing case already has it).
    if (size <= 0) database.pragma('journal_mode = WAL');
  } catch (error) {
    throw new VigieError('case-open-failed', `cannot open the case ${path}: ${(error as Error).message}.`, ExitCode.environment);
  }
  // Kysely prepares every statement it runs; the same few dozen statements run for every report, so they are
  // prepared once. (Kysely streams through iterate() only for stream(), which the store does not use.)
  const statements = new Map<string, ReturnType<typeof database.prepare>>();
  const cached = {
    close: () => database.close(),
    prepare(text: string) {
      let statement = statements.get(text);
      if (!statement) {
        statement = database.prepare(text);
        if (statements.size < 500) statements.set(text, statement);
      }
      return statement;
    },
  };
  const db = new Kysely<CaseDatabase>({ dialect: new SqliteDialect({ database: cached }) });
  return { dialect: 'sqlite', db, label, busyTimeoutMs, statements: new StatementCache() };
}

async function openPostgres(location: string, options: OpenOptions): Promise<Backend> {
  const url = new URL(location);
  if (url.password) url.password = '***';
  const label = url.toString();
  const { default: pg } = await import('pg');
  // Automatic step writes commit without waiting for the WAL flush (as SQLite's synchronous=NORMAL): a server crash
  // may lose the last fraction of a second of them, never corrupts, and a re-run redoes them; decisions, which
  // cannot be redone, wait for the flush (setDecision).
  const pool = new pg.Pool({ connectionString: location, max: options.poolSize ?? 4, options: '-c synchronous_commit=off' });
  // An idle client that loses its server emits 'error' on the pool; without a listener that would crash the process.
  pool.on('error', () => undefined);
  const db = new Kysely<CaseDatabase>({ dialect: new PostgresDialect({ pool }) });
  return { dialect: 'postgres', db, label, busyTimeoutMs: 0, statements: new StatementCache() };
}

/**
 * Runs `body` in one transaction on one connection. SQLite takes the write lock at BEGIN (IMMEDIATE), so that a
 * transaction never fails half-way on a lock upgrade and the busy timeout applies; PostgreSQL uses READ COMMITTED
 * with row locks.
 */
export async function inTransaction<T>(backend: Backend, body: (db: Kysely<CaseDatabase>) => Promise<T>): Promise<T> {
  return backend.db.connection().execute(async (connection) => {
    await (backend.dialect === 'sqlite' ? sql`begin immediate` : sql`begin`).execute(connection);
    let result: T;
    try {
      result = await body(connection);
    } catch (error) {
      await sql`rollback`.execute(connection).catch(() => undefined);
      throw error;
    }
    await sql`commit`.execute(connection);
    return result;
  });
}

/** Reads the schema version, refusing what is not a case this Vigie reads; 0 for an empty database. */
async function readVersion(db: Kysely<CaseDatabase>, backend: Backend): Promise<number> {
  const { dialect, label } = backend;
  let tables = await db.introspection.getTables();
  if (dialect === 'postgres') {
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
    tables = tables.filter((table) => table.schema === rows[0]?.schema);
  }
  const names = tables.map((table) => table.name);
  if (!names.includes('meta')) {
    if (names.length === 0) return 0;
    throw new VigieError('case-not-vigie', `${label} is not a Vigie case: it holds other tables (${names.slice(0, 3).join(', ')}).`);
  }
  const rows = await db.selectFrom('meta').select(['key', 'value']).execute();
  const meta = new Map(rows.map((row) => [row.key, row.value]));
  if (meta.get('format') !== CASE_FORMAT) {
    throw new VigieError('case-not-vigie', `${label} is not a Vigie case (its meta table has no Vigie format mark).`);
  }
  const version = Number(meta.get('schemaVersion'));
  if (!Number.isInteger(version) || version < 0) {
    throw new VigieError('case-bad-version', `${label} has an unreadable schema version (${meta.get('schemaVersion')}).`);
  }
  if (version > SCHEMA_VERSION) {
    throw new VigieError(
      'case-newer-schema',
      `${label} was written by a newer Vigie (case schema ${version}; this Vigie reads up to ${SCHEMA_VERSION}): upgrade Vigie to open it.`,
    );
  }
  return version;
}

/**
 * Checks the database with reads only (a refused file is left as it was, and readers never wait for writers), then
 * applies the missing migrations in one write transaction that checks again (another process may have done it).
 */
async function prepareSchema(backend: Backend, producer: string): Promise<void> {
  const { db, dialect } = backend;
  if ((await readVersion(db, backend)) < SCHEMA_VERSION) {
    await inTransaction(backend, async (trx) => {
      if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(7368426)`.execute(trx);
      const version = await readVersion(trx, backend);
      if (version === SCHEMA_VERSION) return;
      if (version === 0) {
        await trx.schema
          .createTable('meta')
          .ifNotExists()
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('value', 'text', (c) => c.notNull())
          .execute();
        await trx
          .insertInto('meta')
          .values([
            { key: 'format', value: CASE_FORMAT },
            { key: 'schemaVersion', value: '0' },
            { key: 'createdAt', value: new Date().toISOString() },
            { key: 'createdBy', value: producer },
          ])
          .execute();
      }
      for (const migration of MIGRATIONS) {
        if (migration.version > version) await migration.up(trx, dialect);
      }
      await trx.updateTable('meta').set({ value: String(SCHEMA_VERSION) }).where('key', '=', 'schemaVersion').execute();
    });
  }
  // NORMAL is safe from corruption in WAL mode; a power cut (not a killed process) may lose the last commit.
  if (dialect === 'sqlite') await sql`pragma synchronous = normal`.execute(db);
}

/** Driver errors as one clear sentence: a busy SQLite file, an unreachable or refusing PostgreSQL server. */
export function translateError(error: unknown, backend: Pick<Backend, 'label' | 'busyTimeoutMs' | 'dialect'>): unknown {
  if (error instanceof VigieError) return error;
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT' || code === 'SQLITE_LOCKED') {
    return new VigieError(
      'case-busy',
      `the case ${backend.label} is in use by another process (waited ${backend.busyTimeoutMs / 1000} s for its lock); try again when it has finished.`,
      ExitCode.environment,
      { cause: error },
    );
  }
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return new VigieError('case-not-sqlite', `${backend.label} is not a Vigie case: ${message}.`, ExitCode.input, { cause: error });
  }
  if (code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN') {
    return new VigieError('case-open-failed', `cannot write the case ${backend.label}: ${message}.`, ExitCode.environment, { cause: error });
  }
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || code === 'ECONNRESET') {
    return new VigieError('case-unreachable', `cannot reach the PostgreSQL case ${backend.label} (${code}).`, ExitCode.environment, { cause: error });
  }
  if (typeof code === 'string' && /^(28|3D|08)/.test(code) && backend.dialect === 'postgres') {
    // 28xxx authentication, 3D000 no such database, 08xxx connection exceptions.
    return new VigieError('case-unreachable', `cannot open the PostgreSQL case ${backend.label}: ${message}.`, ExitCode.environment, { cause: error });
  }
  return error;
}
