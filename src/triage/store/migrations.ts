/**
 * The case store's versioned migrations, one list for both backends, written with Kysely's schema builder; where
 * SQLite and PostgreSQL differ (identity columns, triggers) the migration says so in one place. A migration runs
 * once, in the transaction that also records its version in `meta.schemaVersion`.
 */
import { sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';
import type { Dialect } from './backend.js';

// The schema builder is typed per table; migrations are untyped on purpose (they describe tables, not use them).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export interface Migration {
  version: number;
  name: string;
  up(db: AnyDb, dialect: Dialect): Promise<void>;
}

/** Marks a case store in `meta.format`, so that another program's database is never taken for one. */
export const CASE_FORMAT = 'vigie-case';

function autoId(dialect: Dialect) {
  return (column: ColumnDefinitionBuilder) =>
    dialect === 'sqlite'
      ? column.primaryKey().autoIncrement()
      : column.primaryKey().generatedByDefaultAsIdentity();
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'initial',
    async up(db, dialect) {
      await db.schema
        .createTable('reports')
        .addColumn('seq', 'integer', autoId(dialect))
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('batch', 'text', (c) => c.notNull())
        .addColumn('line', 'integer', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('reportedAt', 'text', (c) => c.notNull())
        .addColumn('categoryClaimed', 'text')
        .addColumn('reporterIp', 'text')
        .addColumn('mediaPath', 'text')
        .addColumn('hashesGiven', 'text')
        .addColumn('reporterEmail', 'text')
        .addColumn('extra', 'text')
        .addColumn('urlInput', 'text', (c) => c.notNull())
        .addColumn('urlId', 'integer')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('storedAt', 'text', (c) => c.notNull())
        .addColumn('error', 'text')
        .addColumn('claimedBy', 'text')
        .addColumn('leaseUntil', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('doneAt', 'text')
        .addColumn('doneBy', 'text')
        .execute();
      await db.schema.createIndex('reportsStatus').on('reports').columns(['status', 'priority']).execute();
      await db.schema.createIndex('reportsReportedAt').on('reports').column('reportedAt').execute();
      await db.schema.createIndex('reportsSource').on('reports').column('source').execute();
      await db.schema.createIndex('reportsUrl').on('reports').column('urlId').execute();
      await db.schema.createIndex('reportsWork').on('reports').columns(['doneAt', 'leaseUntil']).execute();

      await db.schema
        .createTable('duplicateReports')
        .addColumn('reportId', 'text', (c) => c.notNull())
        .addColumn('batch', 'text', (c) => c.notNull())
        .addColumn('line', 'integer', (c) => c.notNull())
        .addColumn('input', 'text', (c) => c.notNull())
        .addColumn('seenAt', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('duplicateReportsPk', ['reportId', 'batch', 'line'])
        .execute();

      await db.schema
        .createTable('urls')
        .addColumn('id', 'integer', autoId(dialect))
        .addColumn('urlKey', 'text', (c) => c.notNull().unique())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('host', 'text')
        .addColumn('domain', 'text')
        .addColumn('tld', 'text')
        .addColumn('flags', 'text', (c) => c.notNull())
        .addColumn('firstSeenAt', 'text', (c) => c.notNull())
        .addColumn('resolution', 'text')
        .addColumn('finalUrl', 'text')
        .addColumn('resolvedAt', 'text')
        .addColumn('resolvedBy', 'text')
        .addColumn('lastCheckedAt', 'text')
        .addColumn('removedAt', 'text')
        .execute();
      await db.schema.createIndex('urlsDomain').on('urls').column('domain').execute();
      await db.schema.createIndex('urlsHost').on('urls').column('host').execute();

      await db.schema
        .createTable('hops')
        .addColumn('urlId', 'integer', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('status', 'integer')
        .addColumn('ip', 'text')
        .addColumn('timestamp', 'text', (c) => c.notNull())
        .addColumn('record', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('hopsPk', ['urlId', 'position'])
        .execute();

      await db.schema
        .createTable('hosts')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('domain', 'text')
        .addColumn('country', 'text')
        .addColumn('provider', 'text')
        .addColumn('asn', 'integer')
        .addColumn('info', 'text', (c) => c.notNull())
        .addColumn('producer', 'text', (c) => c.notNull())
        .addColumn('observedAt', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('hostsCountry').on('hosts').column('country').execute();

      await db.schema
        .createTable('media')
        .addColumn('id', 'integer', autoId(dialect))
        .addColumn('reportId', 'text', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('kind', 'text')
        .addColumn('bytes', 'integer')
        .addColumn('hashRecord', 'text', (c) => c.notNull())
        .addColumn('producer', 'text', (c) => c.notNull())
        .addColumn('observedAt', 'text', (c) => c.notNull())
        .addColumn('matchRecord', 'text')
        .addColumn('matchProducer', 'text')
        .addColumn('matchedAt', 'text')
        .addUniqueConstraint('mediaReportPath', ['reportId', 'path'])
        .execute();

      await db.schema
        .createTable('hashes')
        .addColumn('mediaId', 'integer', (c) => c.notNull())
        .addColumn('signal', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('hashesPk', ['mediaId', 'signal'])
        .execute();
      await db.schema.createIndex('hashesValue').on('hashes').columns(['signal', 'value']).execute();

      await db.schema
        .createTable('matches')
        .addColumn('mediaId', 'integer', (c) => c.notNull())
        .addColumn('setName', 'text', (c) => c.notNull())
        .addColumn('entry', 'text', (c) => c.notNull())
        .addColumn('signal', 'text', (c) => c.notNull())
        .addColumn('distance', 'integer', (c) => c.notNull())
        .addColumn('categoryScheme', 'text')
        .addColumn('categoryValue', 'text')
        .addColumn('source', 'text')
        .addColumn('record', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('matchesPk', ['mediaId', 'setName', 'signal', 'entry'])
        .execute();

      await db.schema
        .createTable('qualifications')
        .addColumn('reportId', 'text', (c) => c.primaryKey())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('categoryScheme', 'text')
        .addColumn('categoryValue', 'text')
        .addColumn('categoryLabel', 'text')
        .addColumn('illegal', 'integer')
        .addColumn('priority', 'integer', (c) => c.notNull())
        .addColumn('record', 'text', (c) => c.notNull())
        .addColumn('producer', 'text', (c) => c.notNull())
        .addColumn('observedAt', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('decisions')
        .addColumn('reportId', 'text', (c) => c.primaryKey())
        .addColumn('verdict', 'text')
        .addColumn('categoryScheme', 'text')
        .addColumn('categoryValue', 'text')
        .addColumn('categoryLabel', 'text')
        .addColumn('note', 'text')
        .addColumn('analyst', 'text', (c) => c.notNull())
        .addColumn('decidedAt', 'text', (c) => c.notNull())
        .addColumn('revision', 'integer', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('audit')
        .addColumn('seq', 'integer', autoId(dialect))
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('reportId', 'text', (c) => c.notNull())
        .addColumn('before', 'text')
        .addColumn('after', 'text')
        .execute();
      await db.schema.createIndex('auditReport').on('audit').column('reportId').execute();
      // Append-only is enforced by the database itself, not only by the store's code.
      if (dialect === 'sqlite') {
        for (const event of ['update', 'delete']) {
          await sql
            .raw(
              `create trigger audit_no_${event} before ${event} on audit ` +
                `begin select raise(abort, 'the audit table is append-only'); end`,
            )
            .execute(db);
        }
      } else {
        await sql`create function vigie_audit_append_only() returns trigger language plpgsql as $$
          begin raise exception 'the audit table is append-only'; end $$`.execute(db);
        await sql`create trigger audit_append_only before update or delete or truncate on audit
          for each statement execute function vigie_audit_append_only()`.execute(db);
      }

      await db.schema
        .createTable('notices')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('recipient', 'text', (c) => c.notNull())
        .addColumn('files', 'text', (c) => c.notNull())
        .addColumn('record', 'text', (c) => c.notNull())
        .addColumn('createdAt', 'text', (c) => c.notNull())
        .addColumn('sentAt', 'text')
        .addColumn('producer', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('noticesKind').on('notices').column('kind').execute();
      await db.schema
        .createTable('noticeReports')
        .addColumn('noticeId', 'text', (c) => c.notNull())
        .addColumn('reportId', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('noticeReportsPk', ['noticeId', 'reportId'])
        .execute();
      await db.schema.createIndex('noticeReportsReport').on('noticeReports').column('reportId').execute();

      await db.schema
        .createTable('checks')
        .addColumn('urlId', 'integer', (c) => c.notNull())
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('checkedAt', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('evidence', 'text', (c) => c.notNull())
        .addColumn('producer', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('checksPk', ['urlId', 'day'])
        .execute();

      await db.schema
        .createTable('steps')
        .addColumn('reportId', 'text', (c) => c.notNull())
        .addColumn('step', 'text', (c) => c.notNull())
        .addColumn('doneAt', 'text', (c) => c.notNull())
        .addColumn('producer', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('stepsPk', ['reportId', 'step'])
        .execute();
    },
  },
  {
    version: 2,
    name: 'recheck',
    async up(db) {
      // What a re-check saw beside its verdict: the final status and a direct media URL's validators.
      for (const [column, type] of [['status', 'integer'], ['etag', 'text'], ['contentLength', 'text'], ['lastModified', 'text']] as const) {
        await db.schema.alterTable('checks').addColumn(column, type).execute();
      }
      // Time to removal per URL, kept when the first check finds it removed.
      await db.schema.alterTable('urls').addColumn('removalSecondsFromReport', 'integer').execute();
      await db.schema.alterTable('urls').addColumn('removalSecondsFromNotice', 'integer').execute();
      await db.schema
        .createTable('followUps')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('urlId', 'integer', (c) => c.notNull())
        .addColumn('noticeId', 'text')
        .addColumn('reportId', 'text')
        .addColumn('files', 'text', (c) => c.notNull())
        .addColumn('draftedAt', 'text', (c) => c.notNull())
        .addColumn('producer', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('followUpsUrl').on('followUps').column('urlId').execute();
    },
  },
];

/** The schema version this Vigie writes: a case with a higher one was made by a newer Vigie and is refused. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
