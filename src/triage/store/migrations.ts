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
        .addColumn('reported_at', 'text', (c) => c.notNull())
        .addColumn('category_claimed', 'text')
        .addColumn('reporter_ip', 'text')
        .addColumn('media_path', 'text')
        .addColumn('hashes_given', 'text')
        .addColumn('reporter_email', 'text')
        .addColumn('extra', 'text')
        .addColumn('url_input', 'text', (c) => c.notNull())
        .addColumn('url_id', 'integer')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('stored_at', 'text', (c) => c.notNull())
        .addColumn('error', 'text')
        .addColumn('claimed_by', 'text')
        .addColumn('lease_until', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('done_at', 'text')
        .addColumn('done_by', 'text')
        .execute();
      await db.schema.createIndex('reports_status').on('reports').columns(['status', 'priority']).execute();
      await db.schema.createIndex('reports_reported_at').on('reports').column('reported_at').execute();
      await db.schema.createIndex('reports_source').on('reports').column('source').execute();
      await db.schema.createIndex('reports_url').on('reports').column('url_id').execute();
      await db.schema.createIndex('reports_work').on('reports').columns(['done_at', 'lease_until']).execute();

      await db.schema
        .createTable('duplicate_reports')
        .addColumn('report_id', 'text', (c) => c.notNull())
        .addColumn('batch', 'text', (c) => c.notNull())
        .addColumn('line', 'integer', (c) => c.notNull())
        .addColumn('input', 'text', (c) => c.notNull())
        .addColumn('seen_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('duplicate_reports_pk', ['report_id', 'batch', 'line'])
        .execute();

      await db.schema
        .createTable('urls')
        .addColumn('id', 'integer', autoId(dialect))
        .addColumn('url_key', 'text', (c) => c.notNull().unique())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('host', 'text')
        .addColumn('domain', 'text')
        .addColumn('tld', 'text')
        .addColumn('flags', 'text', (c) => c.notNull())
        .addColumn('first_seen_at', 'text', (c) => c.notNull())
        .addColumn('resolution', 'text')
        .addColumn('final_url', 'text')
        .addColumn('resolved_at', 'text')
        .addColumn('resolved_by', 'text')
        .addColumn('last_checked_at', 'text')
        .addColumn('removed_at', 'text')
        .execute();
      await db.schema.createIndex('urls_domain').on('urls').column('domain').execute();
      await db.schema.createIndex('urls_host').on('urls').column('host').execute();

      await db.schema
        .createTable('hops')
        .addColumn('url_id', 'integer', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('status', 'integer')
        .addColumn('ip', 'text')
        .addColumn('timestamp', 'text', (c) => c.notNull())
        .addColumn('record', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('hops_pk', ['url_id', 'position'])
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
        .addColumn('observed_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('hosts_country').on('hosts').column('country').execute();

      await db.schema
        .createTable('media')
        .addColumn('id', 'integer', autoId(dialect))
        .addColumn('report_id', 'text', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('kind', 'text')
        .addColumn('bytes', 'integer')
        .addColumn('hash_record', 'text', (c) => c.notNull())
        .addColumn('producer', 'text', (c) => c.notNull())
        .addColumn('observed_at', 'text', (c) => c.notNull())
        .addColumn('match_record', 'text')
        .addColumn('match_producer', 'text')
        .addColumn('matched_at', 'text')
        .addUniqueConstraint('media_report_path', ['report_id', 'path'])
        .execute();

      await db.schema
        .createTable('hashes')
        .addColumn('media_id', 'integer', (c) => c.notNull())
        .addColumn('signal', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('hashes_pk', ['media_id', 'signal'])
        .execute();
      await db.schema.createIndex('hashes_value').on('hashes').columns(['signal', 'value']).execute();

      await db.schema
        .createTable('matches')
        .addColumn('media_id', 'integer', (c) => c.notNull())
        .addColumn('set_name', 'text', (c) => c.notNull())
        .addColumn('entry', 'text', (c) => c.notNull())
        .addColumn('signal', 'text', (c) => c.notNull())
        .addColumn('distance', 'integer', (c) => c.notNull())
        .addColumn('category_scheme', 'text')
        .addColumn('category_value', 'text')
        .addColumn('source', 'text')
        .addColumn('record', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('matches_pk', ['media_id', 'set_name', 'signal', 'entry'])
        .execute();

      await db.schema
        .createTable('qualifications')
        .addColumn('report_id', 'text', (c) => c.primaryKey())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('category_scheme', 'text')
        .addColumn('category_value', 'text')
        .addColumn('category_label', 'text')
        .addColumn('illegal', 'integer')
        .addColumn('priority', 'integer', (c) => c.notNull())
        .addColumn('record', 'text', (c) => c.notNull())
        .addColumn('producer', 'text', (c) => c.notNull())
        .addColumn('observed_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('decisions')
        .addColumn('report_id', 'text', (c) => c.primaryKey())
        .addColumn('verdict', 'text')
        .addColumn('category_scheme', 'text')
        .addColumn('category_value', 'text')
        .addColumn('category_label', 'text')
        .addColumn('note', 'text')
        .addColumn('analyst', 'text', (c) => c.notNull())
        .addColumn('decided_at', 'text', (c) => c.notNull())
        .addColumn('revision', 'integer', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('audit')
        .addColumn('seq', 'integer', autoId(dialect))
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('report_id', 'text', (c) => c.notNull())
        .addColumn('before', 'text')
        .addColumn('after', 'text')
        .execute();
      await db.schema.createIndex('audit_report').on('audit').column('report_id').execute();
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
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('sent_at', 'text')
        .addColumn('producer', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('notices_kind').on('notices').column('kind').execute();
      await db.schema
        .createTable('notice_reports')
        .addColumn('notice_id', 'text', (c) => c.notNull())
        .addColumn('report_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('notice_reports_pk', ['notice_id', 'report_id'])
        .execute();
      await db.schema.createIndex('notice_reports_report').on('notice_reports').column('report_id').execute();

      await db.schema
        .createTable('checks')
        .addColumn('url_id', 'integer', (c) => c.notNull())
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('checked_at', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('evidence', 'text', (c) => c.notNull())
        .addColumn('producer', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('checks_pk', ['url_id', 'day'])
        .execute();

      await db.schema
        .createTable('steps')
        .addColumn('report_id', 'text', (c) => c.notNull())
        .addColumn('step', 'text', (c) => c.notNull())
        .addColumn('done_at', 'text', (c) => c.notNull())
        .addColumn('producer', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('steps_pk', ['report_id', 'step'])
        .execute();
    },
  },
];

/** The schema version this Vigie writes: a case with a higher one was made by a newer Vigie and is refused. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
