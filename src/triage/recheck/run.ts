/**
 * `vigie recheck`'s work on a case: every URL under a sent notice and not yet found removed is checked once per UTC
 * day (a second run the same day reuses that day's check and makes no request), classified by `classifyRecheck`,
 * stored with its evidence and the final response's validators, and — through the follow-up drafter — escalated
 * (reminder, due still-online notices) or closed (the reporter's outcome message).
 */
import { mapOrderedOutcomes } from '../../core/concurrency.js';
import { describeError, type ErrorInfo } from '../../core/errors.js';
import type { Hop, ResolutionRecord } from '../../core/resolution.js';
import { cleanUrl } from '../../net/index.js';
import type { CaseStore, CheckEntry, FollowUpEntry, RecheckTarget } from '../store/index.js';
import { classifyRecheck, type MediaValidators, type RecheckVerdict } from './classify.js';

/** Re-resolves a URL as `vigie resolve` does; `head` asks with HEAD (a direct media URL: no body is ever sent). */
export type RecheckResolve = (url: string, head: boolean) => Promise<ResolutionRecord>;

/**
 * Drafts what a check calls for at `now` (see follow-up.ts); returns what it drafted this time. `check` may be one
 * made earlier the same day: what is due is judged at `now`, the observation is the check's.
 */
export type DraftFollowUps = (store: CaseStore, target: RecheckTarget, check: CheckEntry, now: string) => Promise<FollowUpEntry[]>;

export interface RecheckOptions {
  /** The time of the checks (UTC ISO 8601, `--now`); its date is the day a URL is checked at most once. */
  now: string;
  resolve: RecheckResolve;
  /** URLs checked at once. Default 8. */
  jobs?: number;
  /** Unreachable checks in a row that count as removed (connection refused, timeouts, 5xx). Default 3. */
  unreachableChecks?: number;
  /** Escalation and reporter messages; without it nothing is drafted. */
  draft?: DraftFollowUps;
  producer: string;
  signal?: AbortSignal;
}

/** One URL's re-check, as `vigie recheck` prints it. */
export interface RecheckRecord {
  url: string;
  /** `online`, `removed`, `unreachable` (inconclusive; removed after several in a row), `error` (the check failed). */
  verdict: CheckEntry['outcome'];
  /** The stable evidence code (`http-404`, `dns-name-gone`, `online`…; see RecheckVerdict.evidence). */
  evidence: string;
  detail: string;
  /** The final HTTP status, when a response came. */
  status?: number;
  /** When the check was made (UTC). */
  checkedAt: string;
  /** True when the day's check was already in the case: this run made no request for the URL. */
  reused: boolean;
  /**
   * `HEAD` for a direct media URL (decided by status and headers), `GET` for a page (only HTML is read) and for a
   * media URL whose server refused HEAD (the GET was closed after its headers).
   */
  method: 'GET' | 'HEAD';
  /** Hops this run requested for the URL (0 when reused; a HEAD refused and made again as GET counts once). */
  requests: number;
  /** The earliest reception among the URL's reports, and the first sent notice covering it. */
  firstReportedAt: string;
  firstNoticeAt: string;
  /** When removed: seconds from the first report's reception, and from the first notice, to this check. */
  removalSecondsFromReport?: number;
  removalSecondsFromNotice?: number;
  /**
   * Follow-ups made this run: `reminder:<notice>`, `notice:<notice>` (drafted), `expired:<notice>` (a planned notice
   * that will not be needed), `reporter-outcome:<report>`.
   */
  drafted: string[];
}

export interface RecheckSummary {
  urls: number;
  online: number;
  removed: number;
  unreachable: number;
  errors: number;
  /** URLs whose day's check was already stored (no request made). */
  reused: number;
  /** HTTP requests made by this run. */
  requests: number;
  drafted: number;
  durationMs: number;
}

const HTML_TYPES = /^\s*(text\/html|application\/xhtml\+xml)\b/i;

/** A direct media URL: at triage its chain ended on a 2xx that was not HTML (an image, a video). */
export function isDirectMedia(resolution: ResolutionRecord | undefined): boolean {
  const final = resolution?.hops.at(-1);
  return final?.status !== undefined && final.status >= 200 && final.status < 300 && !!final.contentType && !HTML_TYPES.test(final.contentType);
}

function validatorsOf(hop: Hop | undefined): MediaValidators | undefined {
  if (!hop) return undefined;
  const validators: MediaValidators = {
    ...(hop.etag !== undefined && { etag: hop.etag }),
    ...(hop.contentLength !== undefined && { contentLength: hop.contentLength }),
    ...(hop.lastModified !== undefined && { lastModified: hop.lastModified }),
  };
  return Object.keys(validators).length > 0 ? validators : undefined;
}

function secondsBetween(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / 1000);
}

/** Unreachable checks in a row up to `check` (kept in each check's evidence, so only the latest is read). */
function unreachableInARow(check: CheckEntry | undefined): number {
  if (check?.outcome !== 'unreachable') return 0;
  return Number((check.evidence as { unreachableInARow?: number } | undefined)?.unreachableInARow ?? 1);
}

/** The check of one URL: a request (HEAD for direct media) unless the day's check is already in the case. */
async function checkTarget(target: RecheckTarget, options: RecheckOptions): Promise<{ check: CheckEntry; record: Omit<RecheckRecord, 'drafted'> }> {
  const media = isDirectMedia(target.resolution);
  const base = { url: target.url, firstReportedAt: target.firstReportedAt, firstNoticeAt: target.firstNoticeAt, method: media ? 'HEAD' as const : 'GET' as const };
  if (target.today) {
    const evidence = target.today.evidence as { evidence?: string; detail?: string };
    return {
      check: target.today,
      record: {
        ...base,
        verdict: target.today.outcome,
        evidence: evidence.evidence ?? target.today.outcome,
        detail: evidence.detail ?? '',
        ...(target.today.status !== undefined && { status: target.today.status }),
        checkedAt: target.today.checkedAt,
        reused: true,
        requests: 0,
      },
    };
  }
  let verdict: RecheckVerdict | { state: 'error'; evidence: string; detail: string; status?: undefined };
  let requests = 0;
  let final: Hop | undefined;
  try {
    const resolution = await options.resolve(target.url, media);
    requests = resolution.hops.filter((hop) => hop.error?.code !== 'private-address' && (hop.status !== undefined || hop.ip !== undefined)).length;
    final = resolution.hops.at(-1);
    const privateRefused = final?.error?.code === 'private-address';
    const finalUrl = resolution.finalUrl ?? target.url;
    const finalDomain = cleanUrl(finalUrl);
    verdict = privateRefused
      ? { state: 'error', evidence: 'private-address', detail: `${final?.error?.message} (the check needs --allow-private)` }
      : classifyRecheck(resolution, {
          reportedDomain: target.domain,
          finalDomain: finalDomain.ok ? finalDomain.value.registrableDomain : undefined,
          firstValidators: media ? (validatorsOf(target.resolution?.hops.at(-1)) ?? target.previous?.validators) : undefined,
          validators: media ? validatorsOf(final) : undefined,
          unreachableBefore: unreachableInARow(target.previous),
          unreachableChecks: options.unreachableChecks,
        });
    if (resolution.error?.code === 'aborted') throw Object.assign(new Error(resolution.error.message), { code: 'aborted' });
  } catch (error) {
    if ((error as { code?: string }).code === 'aborted' || options.signal?.aborted) throw error;
    const info: ErrorInfo = describeError(error);
    verdict = { state: 'error', evidence: info.code, detail: info.message };
  }
  const removal =
    verdict.state === 'removed'
      ? {
          removalSecondsFromReport: secondsBetween(target.firstReportedAt, options.now),
          removalSecondsFromNotice: secondsBetween(target.firstNoticeAt, options.now),
        }
      : {};
  const validators = validatorsOf(final);
  const check: CheckEntry = {
    url: target.url,
    checkedAt: options.now,
    outcome: verdict.state,
    evidence: {
      evidence: verdict.evidence,
      detail: verdict.detail,
      ...(verdict.state === 'unreachable' && { unreachableInARow: unreachableInARow(target.previous) + 1 }),
    },
    producer: options.producer,
    ...(verdict.status !== undefined && { status: verdict.status }),
    ...(validators && { validators }),
    ...removal,
  };
  return {
    check,
    record: {
      ...base,
      verdict: verdict.state,
      evidence: verdict.evidence,
      detail: verdict.detail,
      ...(verdict.status !== undefined && { status: verdict.status }),
      checkedAt: options.now,
      reused: false,
      // A server refusing HEAD was asked with a GET closed after its headers: the record says what was sent last.
      ...(media && final && final.method !== 'HEAD' && final.status !== undefined && { method: 'GET' as const }),
      requests,
      ...removal,
    },
  };
}

/**
 * Re-checks the case's URLs under notice, yielding one record per URL in URL order. A check that failed (`error`) is
 * not stored, so the next run tries it again; every other check is stored before the next URL's record is yielded.
 */
export async function* runRecheck(store: CaseStore, options: RecheckOptions, summary?: RecheckSummary): AsyncGenerator<RecheckRecord> {
  const started = Date.now();
  const totals: RecheckSummary = summary ?? { urls: 0, online: 0, removed: 0, unreachable: 0, errors: 0, reused: 0, requests: 0, drafted: 0, durationMs: 0 };
  const targets = await store.recheckQueue(options.now.slice(0, 10));
  const work = async (target: RecheckTarget): Promise<RecheckRecord> => {
    const { check, record } = await checkTarget(target, options);
    if (!record.reused && check.outcome !== 'error') await store.recordCheck(check);
    const drafted = check.outcome !== 'error' && options.draft ? await options.draft(store, target, check, options.now) : [];
    return { ...record, drafted: drafted.map((entry) => entry.id) };
  };
  for await (const outcome of mapOrderedOutcomes(targets, work, { limit: options.jobs ?? 8, signal: options.signal })) {
    if (!outcome.ok) throw outcome.error;
    const record = outcome.value;
    totals.urls++;
    totals[record.verdict === 'error' ? 'errors' : record.verdict]++;
    if (record.reused) totals.reused++;
    totals.requests += record.requests;
    totals.drafted += record.drafted.length;
    totals.durationMs = Date.now() - started;
    yield record;
  }
  totals.durationMs = Date.now() - started;
}
