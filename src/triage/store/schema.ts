/**
 * The case store's tables as Kysely sees them. Names are camelCase in SQL too, as JSON keys are everywhere (a
 * name-mapping plugin doubled Kysely's cost per query; in psql, quote them: `"reportedAt"`). JSON columns are text
 * holding the project's typed records as they are; the plain columns beside them are the facts queries filter, sort
 * and group on. Booleans are 0/1 integers and times UTC ISO strings on both backends, so one
 * query layer serves SQLite and PostgreSQL.
 */
import type { Generated } from 'kysely';

/** `format` = `vigie-case`, `schemaVersion` = the last migration applied, `createdAt`, `createdBy`. */
export interface MetaTable {
  key: string;
  value: string;
}

export interface ReportsTable {
  /** Insertion order: claims take reports in this order. */
  seq: Generated<number>;
  id: string;
  batch: string;
  line: number;
  source: string;
  reportedAt: string;
  categoryClaimed: string | null;
  reporterIp: string | null;
  mediaPath: string | null;
  /** JSON: hashes the reporter sent. */
  hashesGiven: string | null;
  reporterEmail: string | null;
  /** JSON: other columns of the row. */
  extra: string | null;
  /** The URL as given. */
  urlInput: string;
  urlId: number | null;
  status: string;
  priority: number;
  storedAt: string;
  /** JSON ErrorInfo of a failed step, with the step's name. */
  error: string | null;
  /** Work division: who holds the report and until when (lease), how many times it was claimed. */
  claimedBy: string | null;
  leaseUntil: string | null;
  attempts: number;
  doneAt: string | null;
  doneBy: string | null;
}

export interface DuplicateReportsTable {
  reportId: string;
  batch: string;
  line: number;
  /** JSON ReportInput. */
  input: string;
  seenAt: string;
}

export interface UrlsTable {
  id: Generated<number>;
  /** SHA-256 of `url`: the unique key (a 100 KB URL does not fit a PostgreSQL B-tree entry). */
  urlKey: string;
  url: string;
  host: string | null;
  domain: string | null;
  tld: string | null;
  /** JSON string[]. */
  flags: string;
  firstSeenAt: string;
  /** JSON ResolutionRecord. */
  resolution: string | null;
  finalUrl: string | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
  lastCheckedAt: string | null;
  /** First check that found the URL removed (time to removal). */
  removedAt: string | null;
  /** Seconds from the URL's first report's reception to `removedAt`. */
  removalSecondsFromReport: number | null;
  /** Seconds from the first sent notice covering the URL to `removedAt`. */
  removalSecondsFromNotice: number | null;
}

export interface HopsTable {
  urlId: number;
  position: number;
  url: string;
  status: number | null;
  ip: string | null;
  timestamp: string;
  /** JSON Hop. */
  record: string;
}

export interface HostsTable {
  /** ASCII host name or IP literal. */
  name: string;
  domain: string | null;
  /** Country of the first located address. */
  country: string | null;
  /** Network holder or AS organisation of the first address. */
  provider: string | null;
  asn: number | null;
  /** JSON HostingInfo. */
  info: string;
  producer: string;
  observedAt: string;
}

export interface MediaTable {
  id: Generated<number>;
  reportId: string;
  path: string;
  kind: string | null;
  bytes: number | null;
  /** JSON HashRecord. */
  hashRecord: string;
  producer: string;
  observedAt: string;
  /** JSON MatchRecord. */
  matchRecord: string | null;
  matchProducer: string | null;
  matchedAt: string | null;
}

export interface HashesTable {
  mediaId: number;
  signal: string;
  value: string;
}

export interface MatchesTable {
  mediaId: number;
  setName: string;
  entry: string;
  signal: string;
  distance: number;
  categoryScheme: string | null;
  categoryValue: string | null;
  source: string | null;
  /** JSON Match. */
  record: string;
}

export interface QualificationsTable {
  reportId: string;
  status: string;
  categoryScheme: string | null;
  categoryValue: string | null;
  categoryLabel: string | null;
  /** 1 illegal, 0 not illegal, null unknown. */
  illegal: number | null;
  priority: number;
  /** JSON Qualification. */
  record: string;
  producer: string;
  observedAt: string;
}

export interface DecisionsTable {
  reportId: string;
  verdict: string | null;
  categoryScheme: string | null;
  categoryValue: string | null;
  categoryLabel: string | null;
  note: string | null;
  analyst: string;
  decidedAt: string;
  revision: number;
}

export interface AuditTable {
  seq: Generated<number>;
  at: string;
  actor: string;
  action: string;
  reportId: string;
  before: string | null;
  after: string | null;
}

export interface NoticesTable {
  id: string;
  kind: string;
  status: string;
  recipient: string;
  /** JSON string[]. */
  files: string;
  /** JSON Notice. */
  record: string;
  createdAt: string;
  sentAt: string | null;
  producer: string;
}

export interface NoticeReportsTable {
  noticeId: string;
  reportId: string;
}

export interface ChecksTable {
  urlId: number;
  /** UTC day of the check: one check per URL per day. */
  day: string;
  checkedAt: string;
  outcome: string;
  /** JSON. */
  evidence: string;
  producer: string;
  /** The final HTTP status, when a response came. */
  status: number | null;
  /** The final response's `ETag`, `Content-Length`, `Last-Modified` (a direct media URL's identity). */
  etag: string | null;
  contentLength: string | null;
  lastModified: string | null;
}

/**
 * What `vigie recheck` drafted after a check, once each (the id is derived from what it follows): a reminder to the
 * host, a notice planned `still-online` that became due, an outcome message to the reporter.
 */
export interface FollowUpsTable {
  id: string;
  /** `reminder`, `notice` (a planned still-online notice), `notice-expired`, `reporter-outcome`. */
  kind: string;
  urlId: number;
  /** The notice it follows or is (reminder, notice). */
  noticeId: string | null;
  /** The report whose reporter is told (reporter-outcome). */
  reportId: string | null;
  /** JSON string[]: the draft files, relative to the drafts folder. */
  files: string;
  draftedAt: string;
  producer: string;
}

export interface StepsTable {
  reportId: string;
  step: string;
  doneAt: string;
  producer: string;
}

export interface CaseDatabase {
  meta: MetaTable;
  reports: ReportsTable;
  duplicateReports: DuplicateReportsTable;
  urls: UrlsTable;
  hops: HopsTable;
  hosts: HostsTable;
  media: MediaTable;
  hashes: HashesTable;
  matches: MatchesTable;
  qualifications: QualificationsTable;
  decisions: DecisionsTable;
  audit: AuditTable;
  notices: NoticesTable;
  noticeReports: NoticeReportsTable;
  checks: ChecksTable;
  steps: StepsTable;
  followUps: FollowUpsTable;
}
