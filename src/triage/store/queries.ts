/**
 * The case store's reads: the review queue, one report with everything known, the JSONL export (streamed in pages,
 * so memory stays flat), and the grouped counts of the statistics (done by the database, not in JavaScript).
 */
import { createHash } from 'node:crypto';
import { sql, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import type { Category } from '../../core/hashset.js';
import type {
  AuditEntry,
  CaseReport,
  CheckEntry,
  CountDimension,
  Decision,
  DuplicateReport,
  GroupCount,
  NoticeEntry,
  ReportStatus,
  RecheckTarget,
  ReportSummary,
  UrlNotice,
  UrlReport,
} from './records.js';
import type { CaseDatabase, ReportsTable } from './schema.js';

export interface ListOptions {
  /** Only reports with these statuses. */
  status?: ReportStatus[];
  /** `priority`: the review queue (highest first, then oldest); `reported`: by reception (default). */
  sort?: 'priority' | 'reported';
  limit?: number;
  offset?: number;
}

/** Reports received in [from, to) (UTC ISO strings or dates `2026-01-01`). */
export interface RangeOptions {
  from?: string;
  to?: string;
}

/** Counts of a whole case, for the end-of-batch summary. */
export interface CaseTotals {
  reports: number;
  urls: number;
  hosts: number;
  media: number;
  notices: number;
  duplicates: number;
  byStatus: GroupCount[];
}

/** The `urls.urlKey` of a URL: its SHA-256 (a 100 KB URL does not fit a PostgreSQL B-tree entry). */
export function urlKey(url: string): string {
  return createHash('sha256').update(url).digest('hex');
}

/** One report's outcome as the store knows it (`outcomeFacts`); null where the case has no such fact. */
export interface OutcomeFacts {
  id: string;
  /** When the hotline received the report (UTC). */
  reportedAt: string;
  source: string;
  /** The URL as given. */
  urlInput: string;
  /** The cleaned URL, once triage recorded it. */
  url: string | null;
  domain: string | null;
  tld: string | null;
  /** When a re-check first found the URL removed (UTC). */
  removedAt: string | null;
  /** The host's country and provider, as the grouped counts take them. */
  country: string | null;
  provider: string | null;
  status: string;
  /** `illegal`, `not-illegal`, or null when not decided (the analyst's verdict, else auto-qualification). */
  verdict: string | null;
  /** The category in force, `scheme:value`. */
  category: string | null;
  /** `analyst` or `automatic`, null when nothing decided. */
  decidedBy: string | null;
  /** Kinds of the notices drafted or sent for the report, in order of creation, each once. */
  noticeKinds: string[];
}

function parse<T>(text: string | null): T | undefined {
  return text === null ? undefined : (JSON.parse(text) as T);
}

function category(scheme: string | null, value: string | null, label: string | null): Category | undefined {
  if (scheme === null || value === null) return undefined;
  return label === null ? { scheme, value } : { scheme, value, label };
}

export class CaseQueries {
  constructor(protected readonly db: Kysely<CaseDatabase>) {}

  /** Driver errors become VigieErrors in the subclass that knows the backend. */
  protected async guard<T>(body: () => Promise<T>): Promise<T> {
    return body();
  }

  async decision(reportId: string): Promise<Decision | undefined> {
    const row = await this.guard(() =>
      this.db.selectFrom('decisions').selectAll().where('reportId', '=', reportId).executeTakeFirst(),
    );
    return row ? decisionOf(row) : undefined;
  }

  /** The review queue and other lists of reports. */
  async listReports(options: ListOptions = {}): Promise<ReportSummary[]> {
    let query = this.db
      .selectFrom('reports as r')
      .leftJoin('urls as u', 'u.id', 'r.urlId')
      .leftJoin('qualifications as q', 'q.reportId', 'r.id')
      .leftJoin('decisions as d', 'd.reportId', 'r.id')
      .select([
        'r.id',
        'r.status',
        'r.priority',
        'r.source',
        'r.reportedAt',
        'r.urlInput',
        'r.categoryClaimed',
        'u.url',
        'u.domain',
        'q.categoryScheme as qScheme',
        'q.categoryValue as qValue',
        'q.categoryLabel as qLabel',
        'd.categoryScheme as dScheme',
        'd.categoryValue as dValue',
        'd.categoryLabel as dLabel',
      ]);
    if (options.status && options.status.length > 0) query = query.where('r.status', 'in', options.status);
    query =
      options.sort === 'priority'
        ? query.orderBy('r.priority', 'desc').orderBy('r.reportedAt').orderBy('r.seq')
        : query.orderBy('r.reportedAt').orderBy('r.seq');
    if (options.limit !== undefined) query = query.limit(options.limit);
    if (options.offset !== undefined) query = query.offset(options.offset);
    const rows = await this.guard(() => query.execute());
    return rows.map((row) => {
      const chosen = category(row.dScheme, row.dValue, row.dLabel) ?? category(row.qScheme, row.qValue, row.qLabel);
      return {
        id: row.id,
        status: row.status as ReportStatus,
        priority: row.priority,
        source: row.source,
        reportedAt: row.reportedAt,
        url: row.url ?? row.urlInput,
        ...(row.domain !== null ? { domain: row.domain } : {}),
        ...(row.categoryClaimed !== null ? { categoryClaimed: row.categoryClaimed } : {}),
        ...(chosen ? { category: chosen } : {}),
      };
    });
  }

  /** Everything known about one report; undefined when the case has no such report. */
  async showReport(reportId: string): Promise<CaseReport | undefined> {
    const rows = await this.guard(() => this.db.selectFrom('reports').selectAll().where('id', '=', reportId).execute());
    return (await this.assemble(rows))[0];
  }

  /**
   * Everything known about several reports at once (one query per table, not per report), in the order asked;
   * ids the case does not have are left out. Triage reads the reports it claims this way.
   */
  async showReports(reportIds: string[]): Promise<CaseReport[]> {
    if (reportIds.length === 0) return [];
    const rows = await this.guard(() => this.db.selectFrom('reports').selectAll().where('id', 'in', reportIds).execute());
    const order = new Map(reportIds.map((id, index) => [id, index]));
    return this.assemble(rows.sort((a, b) => order.get(a.id)! - order.get(b.id)!));
  }

  /** Every report with everything known, in report order, read a page at a time. */
  async *exportReports(pageSize = 200): AsyncGenerator<CaseReport> {
    let after = 0;
    while (true) {
      const rows = await this.guard(() =>
        this.db.selectFrom('reports').selectAll().where('seq', '>', after).orderBy('seq').limit(pageSize).execute(),
      );
      if (rows.length === 0) return;
      yield* await this.assemble(rows);
      after = rows[rows.length - 1].seq;
    }
  }

  /**
   * Every report received in the range with its outcome, flat, in order of reception: what `vigie report -f csv|jsonl`
   * exports. One joined query per page (keyset on reception time and insertion order, so each page starts where the
   * last ended through the reception-time index) and one for the page's notice kinds: memory stays flat however many
   * reports the case holds, and the verdict and category are the same SQL expressions the grouped counts use.
   */
  async *outcomeFacts(range: RangeOptions = {}, pageSize = 5000): AsyncGenerator<OutcomeFacts> {
    let next = this.outcomePage(range, undefined, pageSize);
    while (true) {
      const rows = await next;
      if (rows.length === 0) return;
      const last = rows[rows.length - 1];
      // The next page is read while the caller handles this one (on PostgreSQL, on another pooled connection). A
      // caller that stops early leaves it unread: its failure then has nobody to tell.
      next = this.outcomePage(range, { reportedAt: last.reportedAt, seq: last.seq }, pageSize);
      next.catch(() => undefined);
      yield* rows;
    }
  }

  /** One page of `outcomeFacts`: the reports after `after` (reception time, then insertion order). */
  private async outcomePage(
    range: RangeOptions,
    after: { reportedAt: string; seq: number } | undefined,
    pageSize: number,
  ): Promise<(OutcomeFacts & { seq: number })[]> {
    let query = this.db
      .selectFrom('reports as r')
      .leftJoin('urls as u', 'u.id', 'r.urlId')
      .leftJoin('hosts as h', 'h.name', 'u.host')
      .leftJoin('qualifications as q', 'q.reportId', 'r.id')
      .leftJoin('decisions as d', 'd.reportId', 'r.id')
      .select([
        'r.seq',
        'r.id',
        'r.reportedAt',
        'r.source',
        'r.urlInput',
        'r.status',
        'u.url',
        'u.domain',
        'u.tld',
        'u.removedAt',
        'h.country',
        'h.provider',
        keyExpression('verdict').as('verdict'),
        keyExpression('category').as('category'),
        sql<string | null>`case
          when d.verdict is not null or d."categoryValue" is not null then 'analyst'
          when q.status = 'auto-qualified' then 'automatic'
          end`.as('decidedBy'),
      ]);
    if (range.from) query = query.where('r.reportedAt', '>=', range.from);
    if (range.to) query = query.where('r.reportedAt', '<', range.to);
    if (after) {
      // The first condition alone is what the index serves; the second skips the rows of the same instant already given.
      query = query
        .where('r.reportedAt', '>=', after.reportedAt)
        .where((eb) => eb.or([eb('r.reportedAt', '>', after.reportedAt), eb('r.seq', '>', after.seq)]));
    }
    const rows = await this.guard(() => query.orderBy('r.reportedAt').orderBy('r.seq').limit(pageSize).execute());
    if (rows.length === 0) return [];
    const kinds = await this.guard(() =>
      this.db
        .selectFrom('noticeReports as nr')
        .innerJoin('notices as n', 'n.id', 'nr.noticeId')
        .select(['nr.reportId', 'n.kind'])
        .where('nr.reportId', 'in', rows.map((row) => row.id))
        .orderBy('n.createdAt')
        .orderBy('n.id')
        .execute(),
    );
    const noticeKinds = new Map<string, Set<string>>();
    for (const { reportId, kind } of kinds) {
      const set = noticeKinds.get(reportId) ?? new Set<string>();
      noticeKinds.set(reportId, set.add(kind));
    }
    // The driver's rows themselves, completed (`seq` stays on them): no copy per row.
    return rows.map((row) => Object.assign(row, { noticeKinds: [...(noticeKinds.get(row.id) ?? [])] }));
  }

  /** Reports whose ids were seen again, with the rows that repeated them (the first report is the one kept). */
  async duplicates(): Promise<DuplicateReport[]> {
    const rows = await this.guard(() =>
      this.db.selectFrom('duplicateReports').selectAll().orderBy('seenAt').orderBy('batch').orderBy('line').execute(),
    );
    return rows.map((row) => ({
      id: row.reportId,
      batch: row.batch,
      line: row.line,
      input: JSON.parse(row.input),
      seenAt: row.seenAt,
    }));
  }

  /**
   * A grouped count, largest first. Reports are counted once each (`notice-kind` counts notices), over the reports
   * received in the range. `category` is the category in force as `scheme:value` (the analyst's, else the automatic
   * one of an auto-qualified report); `verdict` is `illegal`, `not-illegal` or null (not decided); `country` and
   * `provider` are those of the report's host.
   */
  async countBy(dimension: CountDimension, range: RangeOptions & { illegalOnly?: boolean } = {}): Promise<GroupCount[]> {
    if (dimension === 'notice-kind') {
      let query = this.db.selectFrom('notices').select(['kind as key', (eb) => eb.fn.countAll<number | string>().as('count')]);
      if (range.from) query = query.where('createdAt', '>=', range.from);
      if (range.to) query = query.where('createdAt', '<', range.to);
      return this.grouped(query.groupBy('kind'));
    }
    const key = keyExpression(dimension);
    // Only the tables the key and the filter read are joined: every join costs a lookup per report (SQLite does not
    // drop an unused LEFT JOIN on a text key), and a count by source or month needs none.
    const tables = new Set([...KEY_TABLES[dimension], ...(range.illegalOnly ? KEY_TABLES.verdict : [])]);
    let query = this.db
      .selectFrom('reports as r')
      .$if(tables.has('u') || tables.has('h'), (qb) =>
        qb.leftJoin('urls as u', 'u.id', 'r.urlId').$if(tables.has('h'), (qu) => qu.leftJoin('hosts as h', 'h.name', 'u.host')),
      )
      .$if(tables.has('q'), (qb) => qb.leftJoin('qualifications as q', 'q.reportId', 'r.id'))
      .$if(tables.has('d'), (qb) => qb.leftJoin('decisions as d', 'd.reportId', 'r.id'))
      .select([key.as('key'), (eb) => eb.fn.countAll<number | string>().as('count')]);
    if (range.from) query = query.where('r.reportedAt', '>=', range.from);
    if (range.to) query = query.where('r.reportedAt', '<', range.to);
    if (range.illegalOnly) query = query.where(keyExpression('verdict'), '=', 'illegal');
    return this.grouped(query.groupBy(key));
  }

  private async grouped(query: { execute(): Promise<{ key: string | null; count: number | string }[]> }): Promise<GroupCount[]> {
    const rows = await this.guard(() => query.execute());
    return rows
      .map((row) => ({ key: row.key, count: Number(row.count) }))
      .sort((a, b) => b.count - a.count || String(a.key).localeCompare(String(b.key)));
  }

  async totals(): Promise<CaseTotals> {
    const count = async (table: 'reports' | 'urls' | 'hosts' | 'media' | 'notices' | 'duplicateReports') => {
      const row = await this.guard(() =>
        this.db.selectFrom(table).select((eb) => eb.fn.countAll<number | string>().as('count')).executeTakeFirstOrThrow(),
      );
      return Number(row.count);
    };
    return {
      reports: await count('reports'),
      urls: await count('urls'),
      hosts: await count('hosts'),
      media: await count('media'),
      notices: await count('notices'),
      duplicates: await count('duplicateReports'),
      byStatus: await this.countBy('status'),
    };
  }

  /** Reports not yet finished by any worker (claimed or not). */
  async workRemaining(): Promise<number> {
    const row = await this.guard(() =>
      this.db
        .selectFrom('reports')
        .select((eb) => eb.fn.countAll<number | string>().as('count'))
        .where('doneAt', 'is', null)
        .executeTakeFirstOrThrow(),
    );
    return Number(row.count);
  }

  /** URLs with their reports and notices, where a sent notice covers the URL and no check found it removed yet. */
  private underNotice() {
    return this.db
      .selectFrom('urls as u')
      .innerJoin('reports as r', 'r.urlId', 'u.id')
      .innerJoin('noticeReports as nr', 'nr.reportId', 'r.id')
      .innerJoin('notices as n', 'n.id', 'nr.noticeId')
      .where('n.sentAt', 'is not', null)
      .where('u.removedAt', 'is', null);
  }

  /** URLs some sent notice covers and no check has found removed yet (what `vigie recheck` visits). */
  async urlsUnderNotice(): Promise<{ url: string; reportIds: string[]; firstNoticeAt: string }[]> {
    const rows = await this.guard(() =>
      this.underNotice().select(['u.id', 'u.url', 'r.id as reportId', 'n.sentAt']).orderBy('u.id').execute(),
    );
    const byUrl = new Map<number, { url: string; reportIds: string[]; firstNoticeAt: string }>();
    for (const row of rows) {
      const entry = byUrl.get(row.id) ?? { url: row.url, reportIds: [], firstNoticeAt: row.sentAt as string };
      if (!entry.reportIds.includes(row.reportId)) entry.reportIds.push(row.reportId);
      if ((row.sentAt as string) < entry.firstNoticeAt) entry.firstNoticeAt = row.sentAt as string;
      byUrl.set(row.id, entry);
    }
    return [...byUrl.values()];
  }

  /**
   * What `vigie recheck` visits on `day` (YYYY-MM-DD): every URL under a sent notice not yet found removed, with its
   * first reception, first notice, the check already made that day and the latest one before. Read in pages of
   * URLs, four queries a page, so 10,000 URLs cost a few dozen queries.
   */
  async recheckQueue(day: string, pageSize = 500): Promise<RecheckTarget[]> {
    const targets: RecheckTarget[] = [];
    let after = 0;
    while (true) {
      const rows = await this.guard(() =>
        this.underNotice()
          .select((eb) => [
            'u.id',
            'u.url',
            'u.domain',
            'u.resolution',
            eb.fn.min('r.reportedAt').as('firstReportedAt'),
            eb.fn.min('n.sentAt').as('firstNoticeAt'),
          ])
          .where('u.id', '>', after)
          .groupBy(['u.id', 'u.url', 'u.domain', 'u.resolution'])
          .orderBy('u.id')
          .limit(pageSize)
          .execute(),
      );
      if (rows.length === 0) return targets;
      const ids = rows.map((row) => row.id);
      const checks = await this.guard(() =>
        this.db
          .selectFrom('checks as c')
          .selectAll('c')
          .where('c.urlId', 'in', ids)
          .where((eb) =>
            eb.or([
              eb('c.day', '=', day),
              eb(
                'c.day',
                '=',
                eb.selectFrom('checks as p').select((p) => p.fn.max('p.day').as('day')).whereRef('p.urlId', '=', 'c.urlId').where('p.day', '<', day),
              ),
            ]),
          )
          .execute(),
      );
      for (const row of rows) {
        const mine = checks.filter((check) => check.urlId === row.id);
        const today = mine.find((check) => check.day === day);
        const previous = mine.find((check) => check.day < day);
        targets.push({
          url: row.url,
          ...(row.domain !== null ? { domain: row.domain } : {}),
          ...(row.resolution !== null ? { resolution: parse(row.resolution) } : {}),
          firstReportedAt: row.firstReportedAt as string,
          firstNoticeAt: row.firstNoticeAt as string,
          ...(today ? { today: checkOf(row.url, today) } : {}),
          ...(previous ? { previous: checkOf(row.url, previous) } : {}),
        });
      }
      after = ids[ids.length - 1];
    }
  }

  /** The notices covering a URL (through its reports), oldest first. */
  async noticesOfUrl(url: string): Promise<UrlNotice[]> {
    const rows = await this.guard(() =>
      this.db
        .selectFrom('notices as n')
        .innerJoin('noticeReports as nr', 'nr.noticeId', 'n.id')
        .innerJoin('reports as r', 'r.id', 'nr.reportId')
        .innerJoin('urls as u', 'u.id', 'r.urlId')
        .select(['n.id', 'n.kind', 'n.status', 'n.sentAt', 'n.record', 'n.createdAt'])
        .distinct()
        .where('u.urlKey', '=', urlKey(url))
        .orderBy('n.createdAt')
        .orderBy('n.id')
        .execute(),
    );
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      status: row.status,
      ...(row.sentAt !== null ? { sentAt: row.sentAt } : {}),
      record: JSON.parse(row.record),
    }));
  }

  /** The reports of a URL, in report order. */
  async reportsOfUrl(url: string): Promise<UrlReport[]> {
    const rows = await this.guard(() =>
      this.db
        .selectFrom('reports as r')
        .innerJoin('urls as u', 'u.id', 'r.urlId')
        .select(['r.id', 'r.reportedAt', 'r.reporterEmail'])
        .where('u.urlKey', '=', urlKey(url))
        .orderBy('r.seq')
        .execute(),
    );
    return rows.map((row) => ({ id: row.id, reportedAt: row.reportedAt, ...(row.reporterEmail !== null ? { reporterEmail: row.reporterEmail } : {}) }));
  }

  /** Whether `vigie recheck` already drafted this follow-up. */
  async followUpExists(id: string): Promise<boolean> {
    const row = await this.guard(() => this.db.selectFrom('followUps').select('id').where('id', '=', id).executeTakeFirst());
    return row !== undefined;
  }

  /** The reports a notice covers. */
  async reportIdsOfNotice(noticeId: string): Promise<string[]> {
    const rows = await this.guard(() =>
      this.db.selectFrom('noticeReports').select('reportId').where('noticeId', '=', noticeId).orderBy('reportId').execute(),
    );
    return rows.map((row) => row.reportId);
  }

  /** Reads everything related to a page of reports with one query per table. */
  private async assemble(reports: Selectable<ReportsTable>[]): Promise<CaseReport[]> {
    if (reports.length === 0) return [];
    const ids = reports.map((row) => row.id);
    const urlIds = reports.flatMap((row) => (row.urlId === null ? [] : [row.urlId]));
    const db = this.db;
    return this.guard(async () => {
      const urls = urlIds.length ? await db.selectFrom('urls').selectAll().where('id', 'in', urlIds).execute() : [];
      const hostNames = [...new Set(urls.flatMap((url) => (url.host === null ? [] : [url.host])))];
      const hosts = hostNames.length ? await db.selectFrom('hosts').selectAll().where('name', 'in', hostNames).execute() : [];
      const media = await db.selectFrom('media').selectAll().where('reportId', 'in', ids).orderBy('id').execute();
      const qualifications = await db.selectFrom('qualifications').selectAll().where('reportId', 'in', ids).execute();
      const decisions = await db.selectFrom('decisions').selectAll().where('reportId', 'in', ids).execute();
      const notices = await db
        .selectFrom('noticeReports as nr')
        .innerJoin('notices as n', 'n.id', 'nr.noticeId')
        .selectAll('n')
        .select('nr.reportId')
        .where('nr.reportId', 'in', ids)
        .orderBy('n.createdAt')
        .execute();
      const noticeIds = [...new Set(notices.map((notice) => notice.id))];
      const coverage = noticeIds.length
        ? await db.selectFrom('noticeReports').selectAll().where('noticeId', 'in', noticeIds).execute()
        : [];
      const checks = urlIds.length
        ? await db.selectFrom('checks').selectAll().where('urlId', 'in', urlIds).orderBy('checkedAt').execute()
        : [];
      const steps = await db.selectFrom('steps').selectAll().where('reportId', 'in', ids).orderBy('doneAt').execute();
      const audit = await db.selectFrom('audit').selectAll().where('reportId', 'in', ids).orderBy('seq').execute();

      const urlById = new Map(urls.map((url) => [url.id, url]));
      const hostByName = new Map(hosts.map((host) => [host.name, host]));
      return reports.map((row): CaseReport => {
        const url = row.urlId === null ? undefined : urlById.get(row.urlId);
        const host = url?.host ? hostByName.get(url.host) : undefined;
        const qualification = qualifications.find((q) => q.reportId === row.id);
        const decision = decisions.find((d) => d.reportId === row.id);
        return {
          report: {
            id: row.id,
            url: row.urlInput,
            reportedAt: row.reportedAt,
            source: row.source,
            ...(row.categoryClaimed !== null ? { categoryClaimed: row.categoryClaimed } : {}),
            ...(row.reporterIp !== null ? { ip: row.reporterIp } : {}),
            ...(row.mediaPath !== null ? { media: row.mediaPath } : {}),
            ...(row.hashesGiven !== null ? { hashes: parse(row.hashesGiven) } : {}),
            ...(row.reporterEmail !== null ? { reporterEmail: row.reporterEmail } : {}),
            batch: row.batch,
            line: row.line,
            ...(row.extra !== null ? { extra: parse(row.extra) } : {}),
            status: row.status as ReportStatus,
            priority: row.priority,
            storedAt: row.storedAt,
            ...(row.doneAt !== null ? { doneAt: row.doneAt } : {}),
            ...(row.error !== null ? { error: parse(row.error) } : {}),
          },
          ...(url
            ? {
                url: {
                  url: url.url,
                  ...(url.host !== null ? { host: url.host } : {}),
                  ...(url.domain !== null ? { domain: url.domain } : {}),
                  ...(url.tld !== null ? { tld: url.tld } : {}),
                  flags: JSON.parse(url.flags),
                  ...(url.resolution !== null
                    ? {
                        resolution: parse(url.resolution),
                        resolutionProvenance: { producer: url.resolvedBy ?? '', observedAt: url.resolvedAt ?? '' },
                      }
                    : {}),
                  ...(url.removedAt !== null ? { removedAt: url.removedAt } : {}),
                },
              }
            : {}),
          ...(host
            ? { hosting: { info: JSON.parse(host.info), provenance: { producer: host.producer, observedAt: host.observedAt } } }
            : {}),
          media: media
            .filter((item) => item.reportId === row.id)
            .map((item) => ({
              path: item.path,
              hashRecord: JSON.parse(item.hashRecord),
              ...(item.matchRecord !== null ? { matchRecord: JSON.parse(item.matchRecord) } : {}),
              provenance: { producer: item.producer, observedAt: item.observedAt },
              ...(item.matchProducer !== null
                ? { matchProvenance: { producer: item.matchProducer, observedAt: item.matchedAt ?? '' } }
                : {}),
            })),
          ...(qualification
            ? {
                qualification: {
                  ...JSON.parse(qualification.record),
                  provenance: { producer: qualification.producer, observedAt: qualification.observedAt },
                },
              }
            : {}),
          ...(decision ? { decision: decisionOf(decision) } : {}),
          notices: notices
            .filter((notice) => notice.reportId === row.id)
            .map(
              (notice): NoticeEntry => ({
                id: notice.id,
                kind: notice.kind,
                status: notice.status,
                recipient: notice.recipient,
                reportIds: coverage.filter((c) => c.noticeId === notice.id).map((c) => c.reportId).sort(),
                files: JSON.parse(notice.files),
                record: JSON.parse(notice.record),
                createdAt: notice.createdAt,
                ...(notice.sentAt !== null ? { sentAt: notice.sentAt } : {}),
                producer: notice.producer,
              }),
            ),
          checks: checks.filter((check) => check.urlId === row.urlId).map((check) => checkOf(url?.url ?? '', check)),
          steps: steps
            .filter((step) => step.reportId === row.id)
            .map((step) => ({ step: step.step, doneAt: step.doneAt, producer: step.producer })),
          audit: audit
            .filter((entry) => entry.reportId === row.id)
            .map(
              (entry): AuditEntry => ({
                seq: entry.seq,
                at: entry.at,
                actor: entry.actor,
                action: entry.action,
                reportId: entry.reportId,
                before: parse(entry.before) ?? null,
                after: parse(entry.after) ?? null,
              }),
            ),
        };
      });
    });
  }
}

function checkOf(url: string, row: Selectable<CaseDatabase['checks']>): CheckEntry {
  const validators = {
    ...(row.etag !== null ? { etag: row.etag } : {}),
    ...(row.contentLength !== null ? { contentLength: row.contentLength } : {}),
    ...(row.lastModified !== null ? { lastModified: row.lastModified } : {}),
  };
  return {
    url,
    checkedAt: row.checkedAt,
    outcome: row.outcome as CheckEntry['outcome'],
    evidence: JSON.parse(row.evidence),
    producer: row.producer,
    ...(row.status !== null ? { status: row.status } : {}),
    ...(Object.keys(validators).length > 0 ? { validators } : {}),
  };
}

function decisionOf(row: Selectable<CaseDatabase['decisions']>): Decision {
  const chosen = category(row.categoryScheme, row.categoryValue, row.categoryLabel);
  return {
    ...(row.verdict !== null ? { verdict: row.verdict as Decision['verdict'] } : {}),
    ...(chosen ? { category: chosen } : {}),
    ...(row.note !== null ? { note: row.note } : {}),
    analyst: row.analyst,
    decidedAt: row.decidedAt,
    revision: row.revision,
  };
}

/** The tables (by alias) besides `reports r` that each dimension's key expression reads. */
const KEY_TABLES: Record<Exclude<CountDimension, 'notice-kind'>, ('u' | 'h' | 'q' | 'd')[]> = {
  status: [],
  category: ['q', 'd'],
  verdict: ['q', 'd'],
  source: [],
  month: [],
  country: ['h'],
  tld: ['u'],
  provider: ['h'],
};

/** The SQL expression a dimension groups on (the same text for SQLite and PostgreSQL). */
function keyExpression(dimension: Exclude<CountDimension, 'notice-kind'>): RawBuilder<string | null> {
  const expressions: Record<typeof dimension, RawBuilder<string | null>> = {
    status: sql`r.status`,
    // An analyst's "not illegal" leaves no category in force (setDecision drops it), whatever a list said.
    category: sql`case
      when d.verdict = 'not-illegal' then null
      when d."categoryValue" is not null then d."categoryScheme" || ':' || d."categoryValue"
      when q.status = 'auto-qualified' and q."categoryValue" is not null then q."categoryScheme" || ':' || q."categoryValue"
      end`,
    verdict: sql`case
      when d.verdict is not null then d.verdict
      when q.status = 'auto-qualified' then 'illegal'
      end`,
    source: sql`r.source`,
    month: sql`substr(r."reportedAt", 1, 7)`,
    country: sql`h.country`,
    tld: sql`u.tld`,
    provider: sql`h.provider`,
  };
  return expressions[dimension];
}
