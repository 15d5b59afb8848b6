/**
 * The records the case store takes and gives back. Times are UTC ISO 8601 strings (`2026-12-01T20:05:00.000Z`,
 * always this fixed width, so they sort and compare as text on both backends). Every value an automatic step wrote
 * says which step wrote it and when (`StepProvenance`); an analyst's decision says who and when.
 */
import type { Category } from '../../core/hashset.js';
import type { HostingInfo } from '../../core/hosting.js';
import type { MatchRecord } from '../../core/match.js';
import type { HashRecord } from '../../core/records.js';
import type { ResolutionRecord } from '../../core/resolution.js';
import type { ErrorInfo } from '../../core/errors.js';

/** Which automatic step produced a value, and when it observed it. */
export interface StepProvenance {
  /** The step or tool and its version, e.g. `vigie 0.1.0 resolve`, `vigie 0.1.0 geo --offline`. */
  producer: string;
  /** When the fact was observed (UTC). */
  observedAt: string;
}

/** One report as read from the batch (CSV/JSONL row after column mapping). */
export interface ReportInput {
  /** The report's id in the hotline's own numbering (the natural key: one report per id in a case). */
  id: string;
  /** The reported URL as given (possibly defanged). */
  url: string;
  /** When the hotline received the report (UTC). */
  reportedAt: string;
  /** The channel: `public-form`, an INHOPE partner code, a platform name… */
  source: string;
  /** The category the reporter claimed, as written. */
  categoryClaimed?: string;
  /** The IP address the reporter observed for the URL. */
  ip?: string;
  /** Path of a media file the partner sent, as given in the report file. */
  media?: string;
  /** Hashes the partner sent, by signal name. */
  hashes?: Record<string, string>;
  /** The reporter's e-mail address, when they left one (for the outcome message of the follow-up). */
  reporterEmail?: string;
  /** Which batch the report came from (e.g. the report file's name and SHA-256) and its line in it. */
  batch: string;
  line: number;
  /** Every other column of the row, as read. */
  extra?: Record<string, string>;
}

/**
 * Where a report stands. Automatic steps set `pending` → `needs-review` | `auto-qualified` | `failed`; an analyst's
 * decision sets `qualified` or `not-illegal` (and automatic steps never change those back); the follow-up sets
 * `notified` and `removed`.
 */
export const REPORT_STATUSES = [
  'pending',
  'needs-review',
  'auto-qualified',
  'qualified',
  'not-illegal',
  'notified',
  'removed',
  'failed',
] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

/** Statuses that come from an automatic qualification: never written over an analyst's decision. */
export const AUTOMATIC_STATUSES: readonly ReportStatus[] = ['pending', 'needs-review', 'auto-qualified', 'failed'];

/** What `addReport` did with a report. */
export type AddOutcome =
  /** A new report. */
  | 'inserted'
  /** The same report (same id, batch and line) was already there: a re-run, nothing added. */
  | 'existing'
  /** Another report with this id was already there: the first is kept and this one recorded as a duplicate. */
  | 'duplicate';

/** The cleaned form of a report's URL (`cleanUrl` of src/net), the key that groups reports of one URL. */
export interface UrlFacts {
  /** Refanged, normalised URL. */
  url: string;
  /** ASCII (punycode) host name or IP literal. */
  host?: string;
  /** Registrable domain (eTLD+1), absent for IP literals. */
  domain?: string;
  /** Top-level domain (`com`, `fr`, `onion`), absent for IP literals. */
  tld?: string;
  /** UrlFlag values (`defanged`, `private-address`…). */
  flags: string[];
}

/** A media file of a report, hashed. */
export interface MediaInput {
  /** The path as the report gave it (kept for the analyst; never shown for auto-qualified content). */
  path: string;
  /** `vigie hash`'s record for it. */
  hashRecord: HashRecord;
}

/** The automatic qualification of a report: what the hash lists and the rules suggest. */
export interface Qualification {
  /** `auto-qualified` (a match on a category the set marks illegal), `needs-review`, or `failed`. */
  status: 'auto-qualified' | 'needs-review' | 'failed';
  /** The category taken from the best categorised match, with its scheme. */
  category?: Category;
  /** Whether the category table marks the category illegal (null: unknown). */
  illegal?: boolean | null;
  /** Review-queue rank: higher first. */
  priority: number;
  /** Why: the derived category text, the rules that applied, a NEGATIVE_CLASS match shown as such… */
  reasons: string[];
  /** The set, entry and distance the category comes from. */
  basis?: { set: string; entry: string; signal: string; distance: number; source?: string | null };
  /** Set when the report failed (the batch went on). */
  error?: ErrorInfo;
}

/** An analyst's decision on one report: every field optional, later changes merge over earlier ones. */
export interface DecisionChange {
  /** `illegal` (with `category`) or `not-illegal`. */
  verdict?: 'illegal' | 'not-illegal';
  category?: Category;
  note?: string;
}

export interface Decision {
  verdict?: 'illegal' | 'not-illegal';
  category?: Category;
  note?: string;
  /** The analyst's pseudonym (never a real name in the case). */
  analyst: string;
  /** When the decision was last changed (UTC). */
  decidedAt: string;
  /** 1 for the first decision, +1 at each change. */
  revision: number;
}

/** One entry of the append-only audit table. */
export interface AuditEntry {
  /** Order of entry (ascending). */
  seq: number;
  at: string;
  /** Pseudonym of the analyst, or the producer of an automatic step. */
  actor: string;
  /** `decision.set`, `decision.change`. */
  action: string;
  reportId: string;
  before: unknown;
  after: unknown;
}

/** A notice drafted or sent, as the case keeps it (the full record is the notices library's `Notice`). */
export interface NoticeEntry {
  /** The notice's deterministic id (src/core/notice.ts). */
  id: string;
  /** `host`, `registrar`, `pharos`, `iccam`, or a follow-up kind (`reminder`, `reporter-outcome`). */
  kind: string;
  /** `draft`, `sent`, … (NoticeStatus). */
  status: string;
  /** Name of the recipient (host, registrar, authority). */
  recipient: string;
  /** The reports the notice covers. */
  reportIds: string[];
  /** Files written for it (paths relative to the case's drafts folder). */
  files: string[];
  /** The Notice record itself. */
  record: unknown;
  createdAt: string;
  sentAt?: string;
  producer: string;
}

/** One re-check of a URL under notice (issue 15). */
export interface CheckEntry {
  url: string;
  checkedAt: string;
  /**
   * `online`, `removed`, `unreachable` (no conclusive answer; removal only after several in a row), or `error` when
   * the check itself failed.
   */
  outcome: 'online' | 'removed' | 'unreachable' | 'error';
  /** What decided: `vigie recheck`'s verdict (`{ evidence: 'http-404', detail, unreachableInARow }`). */
  evidence: unknown;
  producer: string;
  /** The final HTTP status, when a response came. */
  status?: number;
  /** The final response's ETag, Content-Length and Last-Modified headers. */
  validators?: { etag?: string; contentLength?: string; lastModified?: string };
  /** On the check that finds the URL removed: seconds since the URL's first report was received. */
  removalSecondsFromReport?: number;
  /** On the check that finds the URL removed: seconds since the first sent notice covering it. */
  removalSecondsFromNotice?: number;
}

/** A URL `vigie recheck` visits: under a sent notice, not yet found removed, with what the check needs. */
export interface RecheckTarget {
  url: string;
  /** Registrable domain as reported (a chain ending on another one is removal). */
  domain?: string;
  /** The resolution made at triage: its final hop tells a direct media URL and gives the first validators. */
  resolution?: ResolutionRecord;
  /** The earliest reception among the URL's reports. */
  firstReportedAt: string;
  /** When the first notice covering it was sent. */
  firstNoticeAt: string;
  /** The check already made on the day asked for, if any (a second run that day makes no request). */
  today?: CheckEntry;
  /** The latest check before that day. */
  previous?: CheckEntry;
}

/** A notice covering a URL under re-check, with what escalation needs. */
export interface UrlNotice {
  id: string;
  kind: string;
  status: string;
  sentAt?: string;
  /** The Notice as drafted (JSON). */
  record: unknown;
}

/** A report of a URL under re-check: whom to tell of the outcome. */
export interface UrlReport {
  id: string;
  reportedAt: string;
  reporterEmail?: string;
}

/** What `vigie recheck` drafted after a check (stored once: a second run does not draft it again). */
export interface FollowUpEntry {
  /**
   * Derived from what it follows (`reminder:<notice id>`, `notice:<notice id>`, `expired:<notice id>`,
   * `reporter-outcome:<report id>`).
   */
  id: string;
  /** `notice-expired`: a planned still-online notice, never sent, whose URL was found removed (status `expired`). */
  kind: 'reminder' | 'notice' | 'notice-expired' | 'reporter-outcome';
  url: string;
  noticeId?: string;
  reportId?: string;
  /** The draft files, relative to the drafts folder. */
  files: string[];
  draftedAt: string;
  producer: string;
}

/** A report id seen again in a later row (the first is kept). */
export interface DuplicateReport {
  id: string;
  batch: string;
  line: number;
  /** The duplicate row as given. */
  input: ReportInput;
  seenAt: string;
}

/** A report with its work state, as the review queue lists it. */
export interface ReportSummary {
  id: string;
  status: ReportStatus;
  priority: number;
  source: string;
  reportedAt: string;
  url: string;
  domain?: string;
  categoryClaimed?: string;
  /** The category in force: the analyst's if any, else the automatic one. */
  category?: Category;
}

/** Everything known about one report, with provenance (`vigie case show`, one line of `vigie case export`). */
export interface CaseReport {
  report: ReportInput & {
    status: ReportStatus;
    priority: number;
    storedAt: string;
    doneAt?: string;
    /** The failure of a step, with the step's name. */
    error?: ErrorInfo & { step: string };
  };
  url?: UrlFacts & {
    resolution?: ResolutionRecord;
    resolutionProvenance?: StepProvenance;
    /** When a re-check first found it removed. */
    removedAt?: string;
  };
  hosting?: { info: HostingInfo; provenance: StepProvenance };
  media: {
    path: string;
    hashRecord: HashRecord;
    matchRecord?: MatchRecord;
    provenance: StepProvenance;
    matchProvenance?: StepProvenance;
  }[];
  qualification?: Qualification & { provenance: StepProvenance };
  decision?: Decision;
  notices: NoticeEntry[];
  checks: CheckEntry[];
  /** Steps finished for this report, with when and by what. */
  steps: { step: string; doneAt: string; producer: string }[];
  audit: AuditEntry[];
}

/** Dimensions the grouped counts of `vigie report` are made on. */
export const COUNT_DIMENSIONS = [
  'status',
  'category',
  'verdict',
  'source',
  'month',
  'country',
  'tld',
  'provider',
  'notice-kind',
] as const;
export type CountDimension = (typeof COUNT_DIMENSIONS)[number];

/** One group of a grouped count; `key` is null for reports without that fact (no category, no country…). */
export interface GroupCount {
  key: string | null;
  count: number;
}

/** Options of a claim of work (`claimReports`). */
export interface ClaimOptions {
  /** How many reports at most. */
  limit: number;
  /** How long the claim holds without renewal; past it another worker takes the reports over. */
  leaseMs: number;
}

/**
 * Time to removal of the URLs under a sent notice, from their first report's reception to the first check that found
 * them removed (`removalCounts`).
 */
export interface RemovalCounts {
  /** URLs put under notice. */
  underNotice: number;
  /** Of those, confirmed removed. */
  removed: number;
  /** Removed the day they were reported (within 24 hours). */
  sameDay: number;
  /** Removed within 3 days (includes `sameDay`). */
  within3Days: number;
  /** Removed within 7 days (includes `within3Days`). */
  within7Days: number;
  /** Median hours from reception to removal over the removed URLs; absent when none was removed. */
  medianHours?: number;
}
