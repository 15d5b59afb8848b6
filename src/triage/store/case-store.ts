/**
 * The case store's query layer: every read and write of a case, the same Kysely queries for SQLite and PostgreSQL.
 * Writes are upserts on natural keys (report id, URL, (report, step)…), so a step run twice leaves the case as once;
 * automatic steps never touch an analyst's decision; decision changes are audited in the same transaction.
 */
import { sql, type Compilable, type Kysely } from 'kysely';
import { ExitCode, VigieError } from '../../core/errors.js';
import type { Category } from '../../core/hashset.js';
import type { HostingInfo } from '../../core/hosting.js';
import type { MatchRecord } from '../../core/match.js';
import type { ResolutionRecord } from '../../core/resolution.js';
import type { ErrorInfo } from '../../core/errors.js';
import { inTransaction, translateError, type Backend, type Dialect } from './backend.js';
import { CaseQueries, urlKey, type RangeOptions } from './queries.js';
import type {
  RemovalCounts,
  AddOutcome,
  CheckEntry,
  ClaimOptions,
  Decision,
  DecisionChange,
  FollowUpEntry,
  MediaInput,
  NoticeEntry,
  StepProvenance,
  Qualification,
  ReportInput,
  ReportStatus,
  UrlFacts,
} from './records.js';
import { AUTOMATIC_STATUSES } from './records.js';
import type { CaseDatabase } from './schema.js';

export { urlKey };

export function toJson(value: unknown): string {
  return JSON.stringify(value);
}

/** The database's clock on PostgreSQL, as the store writes times (UTC ISO-8601, milliseconds). */
const PG_NOW = sql<string>`to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * One open case. `transaction(fn)` gives `fn` a store bound to one transaction: what it writes is committed together
 * or not at all (a step's records and its checkpoint, say).
 */
export class CaseStore extends CaseQueries {
  constructor(
    private readonly backend: Backend,
    db: Kysely<CaseDatabase> = backend.db,
    private readonly inTx = false,
  ) {
    super(db);
  }

  /** `sqlite` or `postgres`. */
  get dialect(): Dialect {
    return this.backend.dialect;
  }

  /** Where the case is (a PostgreSQL URL without its password). */
  get location(): string {
    return this.backend.label;
  }

  async close(): Promise<void> {
    await this.backend.db.destroy();
  }

  async transaction<T>(body: (store: CaseStore) => Promise<T>): Promise<T> {
    if (this.inTx) return body(this);
    try {
      return await inTransaction(this.backend, (db) => body(new CaseStore(this.backend, db, true)));
    } catch (error) {
      throw translateError(error, this.backend);
    }
  }

  /** The database's clock (PostgreSQL's, so leases do not depend on the workers' clocks agreeing). */
  async now(): Promise<string> {
    if (this.dialect === 'sqlite') return new Date().toISOString();
    const { rows } = await sql<{ now: string }>`select ${PG_NOW} as now`.execute(this.db);
    return rows[0].now;
  }

  /**
   * Time to removal of the URLs under a sent notice, counted by the database: for each such URL (reported in the
   * range), the hours from its first report's reception to the first check that found it removed, bucketed.
   */
  async removalCounts(range: RangeOptions = {}): Promise<RemovalCounts> {
    const hours =
      this.dialect === 'sqlite'
        ? sql`(julianday(t."removedAt") - julianday(t."firstReportedAt")) * 24`
        : sql`extract(epoch from (t."removedAt"::timestamptz - t."firstReportedAt"::timestamptz)) / 3600`;
    const from = range.from ?? '';
    const to = range.to ?? '9999';
    const underNotice = sql`(select u.id, u."removedAt", min(r."reportedAt") as "firstReportedAt"
      from urls u join reports r on r."urlId" = u.id join "noticeReports" nr on nr."reportId" = r.id
      join notices n on n.id = nr."noticeId"
      where n."sentAt" is not null and r."reportedAt" >= ${from} and r."reportedAt" < ${to}
      group by u.id, u."removedAt") t`;
    const { rows } = await this.guard(() =>
      sql<Record<'underNotice' | 'removed' | 'sameDay' | 'within3Days' | 'within7Days', number | string | null>>`select
        count(*) as "underNotice", count(t."removedAt") as "removed",
        sum(case when t."removedAt" is not null and ${hours} <= 24 then 1 else 0 end) as "sameDay",
        sum(case when t."removedAt" is not null and ${hours} <= 72 then 1 else 0 end) as "within3Days",
        sum(case when t."removedAt" is not null and ${hours} <= 168 then 1 else 0 end) as "within7Days"
        from ${underNotice}`.execute(this.db),
    );
    const counts = Object.fromEntries(Object.entries(rows[0]).map(([key, value]) => [key, Number(value ?? 0)])) as Record<
      keyof (typeof rows)[0],
      number
    >;
    // The median: the middle removed URL in order of hours (the lower middle for an even count), one row read.
    let medianHours: number | undefined;
    if (counts.removed > 0) {
      const middle = await this.guard(() =>
        sql<{ hours: number | string }>`select ${hours} as hours from ${underNotice} where t."removedAt" is not null
          order by 1 limit 1 offset ${Math.floor((counts.removed - 1) / 2)}`.execute(this.db),
      );
      medianHours = Math.round(Number(middle.rows[0].hours) * 10) / 10;
    }
    return { ...counts, ...(medianHours === undefined ? {} : { medianHours }) };
  }

  // ── Reports ──────────────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Adds reports, in one transaction. A report whose id is already in the case is `existing` when it is the same
   * row (same batch and line: a re-run) and `duplicate` otherwise: the first is kept, the duplicate recorded.
   */
  async addReports(inputs: ReportInput[], storedAt = new Date().toISOString()): Promise<AddOutcome[]> {
    return this.transaction(async (store) => {
      // The rows already in the case, asked once for the whole chunk (a re-run's rows are all there): on PostgreSQL
      // that is one round trip instead of two per row.
      const present = new Map<string, { batch: string; line: number }>();
      for (const ids of chunks([...new Set(inputs.map((input) => input.id))], 500)) {
        const rows = await store.db.selectFrom('reports').select(['id', 'batch', 'line']).where('id', 'in', ids).execute();
        for (const row of rows) present.set(row.id, row);
      }
      const outcomes: AddOutcome[] = [];
      for (const input of inputs) outcomes.push(await store.addOne(input, storedAt, present.get(input.id)));
      return outcomes;
    });
  }

  async addReport(input: ReportInput, storedAt = new Date().toISOString()): Promise<AddOutcome> {
    return (await this.addReports([input], storedAt))[0];
  }

  /** `present`: the report of that id the case had before this chunk, if any. */
  private async addOne(input: ReportInput, storedAt: string, present?: { batch: string; line: number }): Promise<AddOutcome> {
    if (present) return this.repeated(input, present, storedAt);
    const row = {
      id: input.id,
      batch: input.batch,
      line: input.line,
      source: input.source,
      reportedAt: input.reportedAt,
      categoryClaimed: input.categoryClaimed ?? null,
      reporterIp: input.ip ?? null,
      mediaPath: input.media ?? null,
      hashesGiven: input.hashes ? toJson(input.hashes) : null,
      reporterEmail: input.reporterEmail ?? null,
      extra: input.extra ? toJson(input.extra) : null,
      urlInput: input.url,
      status: 'pending',
      priority: 0,
      storedAt,
      attempts: 0,
    };
    const inserted = await this.run('add-report', row, (db, v) =>
      db.insertInto('reports').values(v).onConflict((oc) => oc.column('id').doNothing()),
    );
    if (Number(inserted.numAffectedRows ?? 0) > 0) return 'inserted';
    // The id came earlier in this chunk, or another process added it meanwhile.
    const first = await this.db
      .selectFrom('reports')
      .select(['batch', 'line'])
      .where('id', '=', input.id)
      .executeTakeFirstOrThrow();
    return this.repeated(input, first, storedAt);
  }

  /** A row whose id the case has: the same row again (`existing`), or a duplicate id, recorded. */
  private async repeated(input: ReportInput, first: { batch: string; line: number }, storedAt: string): Promise<AddOutcome> {
    if (first.batch === input.batch && first.line === input.line) return 'existing';
    await this.db
      .insertInto('duplicateReports')
      .values({ reportId: input.id, batch: input.batch, line: input.line, input: toJson(input), seenAt: storedAt })
      .onConflict((oc) => oc.columns(['reportId', 'batch', 'line']).doNothing())
      .execute();
    return 'duplicate';
  }

  /** Records a report's cleaned URL; one URL reported by several reports is one `urls` row. Returns its id. */
  async recordUrl(reportId: string, facts: UrlFacts, observedAt = new Date().toISOString()): Promise<number> {
    return this.transaction(async (store) => {
      const values = {
        urlKey: urlKey(facts.url),
        url: facts.url,
        host: facts.host ?? null,
        domain: facts.domain ?? null,
        tld: facts.tld ?? null,
        flags: toJson(facts.flags),
        firstSeenAt: observedAt,
      };
      const { rows } = await store.run('add-url', values, (db, v) =>
        db
          .insertInto('urls')
          .values(v)
          // A no-op update, so that RETURNING gives the id of an existing row too.
          .onConflict((oc) => oc.column('urlKey').doUpdateSet((eb) => ({ urlKey: eb.ref('excluded.urlKey') })))
          .returning('id'),
      );
      const id = rows[0].id;
      const updated = await store.run('report-url', { urlId: id, reportId }, (db, v) =>
        db.updateTable('reports').set({ urlId: v.urlId }).where('id', '=', v.reportId),
      );
      if (Number(updated.numAffectedRows) === 0) store.unknownReport(reportId);
      return id;
    });
  }

  /**
   * Whether a URL is resolved in the case and whether a host is located: what triage asks, instead of reading a
   * whole report again, about what another report may have done (one query, compiled once).
   */
  async knownFacts(url: string, host: string): Promise<{ resolved: boolean; located: boolean }> {
    const { rows } = await this.guard(() =>
      this.run('known-facts', { key: urlKey(url), host }, (db, v) =>
        db.selectNoFrom((eb) => [
          eb.selectFrom('urls').select('resolvedAt').where('urlKey', '=', v.key).as('resolvedAt'),
          eb.selectFrom('hosts').select('name').where('name', '=', v.host).as('host'),
        ]),
      ),
    );
    return { resolved: rows[0]?.resolvedAt != null, located: rows[0]?.host != null };
  }

  /** Stores `vigie resolve`'s record for a URL and its hops (replacing an earlier resolution of the same URL). */
  async recordResolution(url: string, record: ResolutionRecord, provenance: StepProvenance): Promise<void> {
    await this.transaction(async (store) => {
      const values = {
        resolution: toJson(record),
        finalUrl: record.finalUrl ?? null,
        resolvedAt: provenance.observedAt,
        resolvedBy: provenance.producer,
        urlKey: urlKey(url),
      };
      const { rows } = await store.run('resolve-url', values, (db, { urlKey: key, ...set }) =>
        db.updateTable('urls').set(set).where('urlKey', '=', key).returning('id'),
      );
      const id = rows[0]?.id ?? store.unknownUrl(url);
      await store.run('delete-hops', { id }, (db, v) => db.deleteFrom('hops').where('urlId', '=', v.id));
      const hops = record.hops.map((hop, position) => ({
        urlId: id,
        position,
        url: hop.url,
        status: hop.status ?? null,
        ip: hop.ip ?? null,
        timestamp: hop.timestamp,
        record: toJson(hop),
      }));
      if (hops.length > 0) {
        await store.run(`insert-hops:${hops.length}`, hops, (db, v) => db.insertInto('hops').values(v));
      }
    });
  }

  /** Stores where a host (name or IP literal) is hosted, with the indexed facts the statistics group on. */
  async recordHosting(host: string, info: HostingInfo, provenance: StepProvenance): Promise<void> {
    const first = info.addresses[0];
    const values = {
      name: host,
      domain: info.registrableDomain ?? info.registryDomain ?? null,
      country: first?.country ?? null,
      provider: first?.network?.holder ?? first?.asOrganization ?? null,
      asn: first?.asn ?? null,
      info: toJson(info),
      producer: provenance.producer,
      observedAt: provenance.observedAt,
    };
    await this.guard(() =>
      this.run('upsert-host', values, (db, v) =>
        db.insertInto('hosts').values(v).onConflict((oc) => oc.column('name').doUpdateSet(excluded(Object.keys(v)))),
      ),
    );
  }

  /** Stores a report's media file and its hashes (keyed by report and path). Returns the media id. */
  async recordMedia(reportId: string, media: MediaInput, provenance: StepProvenance): Promise<number> {
    return this.transaction(async (store) => {
      await store.requireReport(reportId);
      const record = media.hashRecord;
      const values = {
        reportId,
        path: media.path,
        kind: 'media' in record ? record.media : null,
        bytes: 'bytes' in record ? record.bytes : null,
        hashRecord: toJson(record),
        producer: provenance.producer,
        observedAt: provenance.observedAt,
      };
      const { rows } = await store.run('upsert-media', values, (db, v) =>
        db
          .insertInto('media')
          .values(v)
          .onConflict((oc) =>
            oc.columns(['reportId', 'path']).doUpdateSet(excluded(['kind', 'bytes', 'hashRecord', 'producer', 'observedAt'])),
          )
          .returning('id'),
      );
      const id = rows[0].id;
      await store.run('delete-hashes', { id }, (db, v) => db.deleteFrom('hashes').where('mediaId', '=', v.id));
      const hashes = ('hashes' in record ? Object.entries(record.hashes) : []).map(([signal, value]) => ({
        mediaId: id,
        signal,
        value: String(value),
      }));
      if (hashes.length > 0) {
        await store.run(`insert-hashes:${hashes.length}`, hashes, (db, v) => db.insertInto('hashes').values(v));
      }
      return id;
    });
  }

  /** Stores `vigie match`'s record for a report's media file (replacing an earlier match of the same file). */
  async recordMatches(reportId: string, path: string, record: MatchRecord, provenance: StepProvenance): Promise<void> {
    await this.transaction(async (store) => {
      const values = {
        matchRecord: toJson(record),
        matchProducer: provenance.producer,
        matchedAt: provenance.observedAt,
        reportId,
        path,
      };
      const { rows: found } = await store.run('match-media', values, (db, { reportId: report, path: file, ...set }) =>
        db.updateTable('media').set(set).where('reportId', '=', report).where('path', '=', file).returning('id'),
      );
      const media = found[0];
      if (!media) {
        throw new VigieError('case-unknown-media', `report ${reportId} has no media ${path} in the case.`, ExitCode.input);
      }
      await store.run('delete-matches', { id: media.id }, (db, v) => db.deleteFrom('matches').where('mediaId', '=', v.id));
      // The same entry can be hit by several dihedral variants: the best (first) hit is kept.
      const seen = new Set<string>();
      const rows = record.matches.filter((match) => {
        const key = `${match.set}\0${match.signal}\0${match.entry}`;
        return !seen.has(key) && seen.add(key);
      });
      const matches = rows.map((match) => ({
        mediaId: media.id,
        setName: match.set,
        entry: match.entry,
        signal: match.signal,
        distance: match.distance,
        categoryScheme: match.category?.scheme ?? null,
        categoryValue: match.category?.value ?? null,
        source: match.source ?? null,
        record: toJson(match),
      }));
      if (matches.length > 0) {
        await store.run(`insert-matches:${matches.length}`, matches, (db, v) => db.insertInto('matches').values(v));
      }
    });
  }

  /**
   * Stores the automatic qualification and, unless an analyst has decided, the report's status and priority. The
   * decision itself lives in its own table, which no automatic step writes.
   */
  async recordQualification(reportId: string, qualification: Qualification, provenance: StepProvenance): Promise<void> {
    await this.transaction(async (store) => {
      await store.requireReport(reportId);
      const values = {
        reportId,
        status: qualification.status,
        categoryScheme: qualification.category?.scheme ?? null,
        categoryValue: qualification.category?.value ?? null,
        categoryLabel: qualification.category?.label ?? null,
        illegal: qualification.illegal === undefined || qualification.illegal === null ? null : qualification.illegal ? 1 : 0,
        priority: qualification.priority,
        record: toJson(qualification),
        producer: provenance.producer,
        observedAt: provenance.observedAt,
      };
      await store.run('upsert-qualification', values, (db, v) =>
        db
          .insertInto('qualifications')
          .values(v)
          .onConflict((oc) => oc.column('reportId').doUpdateSet(excluded(Object.keys(v).filter((key) => key !== 'reportId')))),
      );
      await store.setAutomaticStatus(reportId, qualification.status, qualification.priority);
    });
  }

  /** Records a step's failure on the report (the batch goes on); the report is `failed` unless an analyst decided. */
  async recordFailure(reportId: string, step: string, error: ErrorInfo): Promise<void> {
    await this.transaction(async (store) => {
      await store.requireReport(reportId);
      await store.db.updateTable('reports').set({ error: toJson({ step, ...error }) }).where('id', '=', reportId).execute();
      await store.setAutomaticStatus(reportId, 'failed');
    });
  }

  private async setAutomaticStatus(reportId: string, status: ReportStatus, priority?: number): Promise<void> {
    const values = priority === undefined ? { status, reportId } : { status, priority, reportId };
    await this.run(`automatic-status:${priority === undefined}`, values, (db, { reportId: id, ...set }) =>
      db.updateTable('reports').set(set).where('id', '=', id).where('status', 'in', [...AUTOMATIC_STATUSES]),
    );
  }

  /** Follow-up statuses (`notified`, `removed`): they come after any decision, so they apply over it. */
  async setFollowUpStatus(reportIds: string[], status: 'notified' | 'removed'): Promise<void> {
    if (reportIds.length === 0) return;
    await this.guard(() =>
      this.db
        .updateTable('reports')
        .set({ status })
        .where('id', 'in', reportIds)
        .where('status', 'not in', status === 'notified' ? ['not-illegal', 'removed'] : ['not-illegal'])
        .execute(),
    );
  }

  /** Stores a notice drafted or sent (keyed by its id) and the reports it covers. */
  async recordNotice(notice: NoticeEntry): Promise<void> {
    await this.transaction(async (store) => {
      const values = {
        id: notice.id,
        kind: notice.kind,
        status: notice.status,
        recipient: notice.recipient,
        files: toJson(notice.files),
        record: toJson(notice.record),
        createdAt: notice.createdAt,
        sentAt: notice.sentAt ?? null,
        producer: notice.producer,
      };
      const { createdAt: _kept, ...changes } = values;
      await store.db
        .insertInto('notices')
        .values(values)
        .onConflict((oc) => oc.column('id').doUpdateSet(changes))
        .execute();
      if (notice.reportIds.length > 0) {
        await store.db
          .insertInto('noticeReports')
          .values(notice.reportIds.map((reportId) => ({ noticeId: notice.id, reportId })))
          .onConflict((oc) => oc.columns(['noticeId', 'reportId']).doNothing())
          .execute();
      }
    });
  }

  /**
   * Stores a re-check of a URL: one per URL per UTC day (a second the same day is ignored: false). The first check
   * that finds the URL removed sets its time of removal.
   */
  async recordCheck(check: CheckEntry): Promise<boolean> {
    return this.transaction(async (store) => {
      const id = await store.requireUrl(check.url);
      const inserted = await store.db
        .insertInto('checks')
        .values({
          urlId: id,
          day: check.checkedAt.slice(0, 10),
          checkedAt: check.checkedAt,
          outcome: check.outcome,
          evidence: toJson(check.evidence),
          producer: check.producer,
          status: check.status ?? null,
          etag: check.validators?.etag ?? null,
          contentLength: check.validators?.contentLength ?? null,
          lastModified: check.validators?.lastModified ?? null,
        })
        .onConflict((oc) => oc.columns(['urlId', 'day']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      await store.db.updateTable('urls').set({ lastCheckedAt: check.checkedAt }).where('id', '=', id).execute();
      if (check.outcome === 'removed') {
        await store.db
          .updateTable('urls')
          .set({
            removedAt: check.checkedAt,
            removalSecondsFromReport: check.removalSecondsFromReport ?? null,
            removalSecondsFromNotice: check.removalSecondsFromNotice ?? null,
          })
          .where('id', '=', id)
          .where('removedAt', 'is', null)
          .execute();
      }
      return true;
    });
  }

  /** Marks a draft notice never sent as `expired` (its record too), e.g. a registrar notice whose URL is gone. */
  async expireNotice(id: string, record: unknown): Promise<void> {
    await this.guard(() =>
      this.db
        .updateTable('notices')
        .set({ status: 'expired', record: toJson(record) })
        .where('id', '=', id)
        .where('status', '=', 'draft')
        .where('sentAt', 'is', null)
        .execute(),
    );
  }

  /** Stores what `vigie recheck` drafted; false (and nothing changed) when that follow-up was drafted before. */
  async recordFollowUp(entry: FollowUpEntry): Promise<boolean> {
    return this.transaction(async (store) => {
      const urlId = await store.requireUrl(entry.url);
      const inserted = await store.db
        .insertInto('followUps')
        .values({
          id: entry.id,
          kind: entry.kind,
          urlId,
          noticeId: entry.noticeId ?? null,
          reportId: entry.reportId ?? null,
          files: toJson(entry.files),
          draftedAt: entry.draftedAt,
          producer: entry.producer,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .executeTakeFirst();
      return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
    });
  }

  // ── Checkpoints ──────────────────────────────────────────────────────────────────────────────────────────────

  /** Marks a step finished for a report (a second time changes nothing). */
  async markStepDone(reportId: string, step: string, producer: string, doneAt = new Date().toISOString()): Promise<void> {
    await this.markStepsDone(reportId, [step], producer, doneAt);
  }

  /** Marks several steps of a report finished in one statement (a round trip each costs on PostgreSQL). */
  async markStepsDone(reportId: string, steps: string[], producer: string, doneAt = new Date().toISOString()): Promise<void> {
    if (steps.length === 0) return;
    const rows = steps.map((step) => ({ reportId, step, producer, doneAt }));
    await this.guard(() =>
      this.run(`steps-done:${rows.length}`, rows, (db, v) =>
        db.insertInto('steps').values(v).onConflict((oc) => oc.columns(['reportId', 'step']).doNothing()),
      ),
    );
  }

  async isStepDone(reportId: string, step: string): Promise<boolean> {
    const { rows } = await this.guard(() =>
      this.run('is-step-done', { reportId, step }, (db, v) =>
        db.selectFrom('steps').select('step').where('reportId', '=', v.reportId).where('step', '=', v.step),
      ),
    );
    return rows.length > 0;
  }

  /** The steps finished for each of the given reports (a resumed batch skips them). */
  async stepsDone(reportIds: string[]): Promise<Map<string, Set<string>>> {
    const done = new Map<string, Set<string>>(reportIds.map((id) => [id, new Set<string>()]));
    for (const chunk of chunks(reportIds, 500)) {
      const rows = await this.guard(() =>
        this.db.selectFrom('steps').select(['reportId', 'step']).where('reportId', 'in', chunk).execute(),
      );
      for (const row of rows) done.get(row.reportId)?.add(row.step);
    }
    return done;
  }

  // ── Work division ────────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Claims up to `limit` unfinished reports for `worker`, in report order: those nobody holds and those whose lease
   * has expired (a killed worker's). On PostgreSQL concurrent claims skip each other's rows (`FOR UPDATE SKIP
   * LOCKED`); on SQLite the write lock taken at BEGIN serialises them. Returns the ids claimed.
   */
  async claimReports(worker: string, options: ClaimOptions): Promise<string[]> {
    return this.transaction(async (store) => {
      const now = await store.now();
      const until = new Date(Date.parse(now) + options.leaseMs).toISOString();
      let candidates = store.db
        .selectFrom('reports')
        .select('seq')
        .where('doneAt', 'is', null)
        .where((eb) => eb.or([eb('leaseUntil', 'is', null), eb('leaseUntil', '<', now)]))
        .orderBy('seq')
        .limit(options.limit);
      if (store.dialect === 'postgres') candidates = candidates.forUpdate().skipLocked();
      const seqs = (await candidates.execute()).map((row) => row.seq);
      if (seqs.length === 0) return [];
      const claimed = await store.db
        .updateTable('reports')
        .set((eb) => ({ claimedBy: worker, leaseUntil: until, attempts: eb('attempts', '+', 1) }))
        .where('seq', 'in', seqs)
        .returning(['id', 'seq'])
        .execute();
      return claimed.sort((a, b) => a.seq - b.seq).map((row) => row.id);
    });
  }

  /** Extends `worker`'s lease on reports it still holds; returns those it still holds. */
  async renewLease(worker: string, reportIds: string[], leaseMs: number): Promise<string[]> {
    if (reportIds.length === 0) return [];
    return this.transaction(async (store) => {
      const until = new Date(Date.parse(await store.now()) + leaseMs).toISOString();
      const rows = await store.db
        .updateTable('reports')
        .set({ leaseUntil: until })
        .where('id', 'in', reportIds)
        .where('claimedBy', '=', worker)
        .where('doneAt', 'is', null)
        .returning('id')
        .execute();
      return rows.map((row) => row.id);
    });
  }

  /**
   * Marks a report finished by `worker`. False when the worker no longer holds it (its lease expired and another
   * worker took it over): the other worker's result stands.
   */
  async completeReport(reportId: string, worker: string): Promise<boolean> {
    return this.transaction(async (store) => {
      // PostgreSQL's clock is read in the update itself: one round trip, not two.
      const postgres = store.dialect === 'postgres';
      const values = { doneAt: postgres ? undefined : await store.now(), doneBy: worker, reportId };
      const result = await store.run(`complete-report:${store.dialect}`, values, (db, v) =>
        db
          .updateTable('reports')
          .set({ doneAt: postgres ? PG_NOW : v.doneAt!, doneBy: v.doneBy, leaseUntil: null })
          .where('id', '=', v.reportId)
          .where('claimedBy', '=', v.doneBy)
          .where('doneAt', 'is', null),
      );
      return Number(result.numAffectedRows) > 0;
    });
  }

  /** Gives reports back without finishing them (an interrupted worker), so others can claim them at once. */
  async releaseReports(worker: string, reportIds: string[]): Promise<void> {
    if (reportIds.length === 0) return;
    await this.guard(() =>
      this.db
        .updateTable('reports')
        .set({ claimedBy: null, leaseUntil: null })
        .where('id', 'in', reportIds)
        .where('claimedBy', '=', worker)
        .where('doneAt', 'is', null)
        .execute(),
    );
  }

  // ── Analyst decisions ────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Records an analyst's decision, merged over the previous one, and its audit entry, in one transaction. A change
   * that changes nothing is not recorded. Sets the status to `qualified` or `not-illegal` (before the follow-up).
   */
  async setDecision(reportId: string, change: DecisionChange, analyst: string, at = new Date().toISOString()): Promise<Decision> {
    if (!analyst.trim()) throw new VigieError('case-no-analyst', 'a decision needs the analyst\'s pseudonym.', ExitCode.usage);
    if (change.verdict === 'illegal' && !change.category) {
      throw new VigieError('case-no-category', 'an illegal verdict needs its category.', ExitCode.usage);
    }
    return this.transaction(async (store) => {
      if (store.dialect === 'postgres') await sql`set local synchronous_commit = on`.execute(store.db);
      await store.requireReport(reportId);
      const before = await store.decision(reportId);
      const verdict = change.verdict ?? before?.verdict;
      const category: Category | undefined =
        change.verdict === 'not-illegal' ? undefined : (change.category ?? before?.category);
      const note = change.note ?? before?.note;
      const after: Decision = {
        ...(verdict ? { verdict } : {}),
        ...(category ? { category } : {}),
        ...(note !== undefined ? { note } : {}),
        analyst,
        decidedAt: at,
        revision: (before?.revision ?? 0) + 1,
      };
      if (before && sameDecision(before, after)) return before;
      const values = {
        reportId,
        verdict: after.verdict ?? null,
        categoryScheme: after.category?.scheme ?? null,
        categoryValue: after.category?.value ?? null,
        categoryLabel: after.category?.label ?? null,
        note: after.note ?? null,
        analyst,
        decidedAt: at,
        revision: after.revision,
      };
      await store.db
        .insertInto('decisions')
        .values(values)
        .onConflict((oc) => oc.column('reportId').doUpdateSet(values))
        .execute();
      await store.db
        .insertInto('audit')
        .values({
          at,
          actor: analyst,
          action: before ? 'decision.change' : 'decision.set',
          reportId,
          before: before ? toJson(before) : null,
          after: toJson(after),
        })
        .execute();
      if (after.verdict) {
        await store.db
          .updateTable('reports')
          .set({ status: after.verdict === 'illegal' ? 'qualified' : 'not-illegal' })
          .where('id', '=', reportId)
          .where('status', 'not in', ['notified', 'removed'])
          .execute();
      }
      return after;
    });
  }

  // ── Helpers ──────────────────────────────────────────────────────────────────────────────────────────────────

  /** Runs a hot statement compiled once per case (statements.ts); `build` only places the values it is given. */
  private run<V extends object, R>(
    name: string,
    values: V,
    build: (db: Kysely<CaseDatabase>, values: V) => Compilable<R>,
  ) {
    return this.backend.statements.run(this.db, name, values, (marked) => build(this.db, marked));
  }

  protected override async guard<T>(body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (error) {
      throw translateError(error, this.backend);
    }
  }

  private async requireReport(reportId: string): Promise<void> {
    const { rows } = await this.run('report-exists', { reportId }, (db, v) =>
      db.selectFrom('reports').select('seq').where('id', '=', v.reportId),
    );
    if (rows.length === 0) this.unknownReport(reportId);
  }

  private async requireUrl(url: string): Promise<number> {
    const { rows } = await this.run('url-id', { key: urlKey(url) }, (db, v) =>
      db.selectFrom('urls').select('id').where('urlKey', '=', v.key),
    );
    return rows[0]?.id ?? this.unknownUrl(url);
  }

  private unknownReport(reportId: string): never {
    throw new VigieError('case-unknown-report', `report ${reportId} is not in the case ${this.location}.`);
  }

  private unknownUrl(url: string): never {
    throw new VigieError('case-unknown-url', `the URL ${url.slice(0, 200)} is not in the case ${this.location}.`);
  }
}

/** `SET column = excluded.column` for each column: an upsert whose update takes the row being inserted. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function excluded(columns: string[]): (eb: any) => Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return (eb: any) => Object.fromEntries(columns.map((column) => [column, eb.ref(`excluded.${column}`)]));
}

function sameDecision(a: Decision, b: Decision): boolean {
  return (
    a.verdict === b.verdict &&
    a.note === b.note &&
    a.category?.scheme === b.category?.scheme &&
    a.category?.value === b.category?.value &&
    a.category?.label === b.category?.label
  );
}

export function* chunks<T>(items: T[], size: number): Generator<T[]> {
  for (let start = 0; start < items.length; start += size) yield items.slice(start, start + size);
}
