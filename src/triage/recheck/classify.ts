import { readFileSync } from 'node:fs';
import type { Hop, ResolutionRecord } from '../../core/resolution.js';

/**
 * What one re-check of a URL under notice found. `removed` carries the evidence a liaison officer can cite;
 * `unreachable` is inconclusive on its own (a host down for maintenance) and becomes `removed` only after
 * `unreachableChecks` such checks in a row.
 */
export interface RecheckVerdict {
  state: 'online' | 'removed' | 'unreachable';
  /**
   * Why, as a stable code: `online` (a 2xx at the reported host), `http-404`, `http-410`, `http-451`,
   * `http-<status>` (another final 4xx), `dns-name-gone` (NXDOMAIN), `redirected-elsewhere` (the chain ends at another
   * registrable domain), `removal-page` (it ends on a page matching data/recheck/removal-pages.txt),
   * `content-changed` (a direct media URL whose ETag, Content-Length or Last-Modified differ from the first check),
   * `unreachable` (connection refused, timeout, 5xx, DNS failure other than NXDOMAIN), `unreachable-repeatedly`.
   */
  evidence: string;
  /** Human detail: the status, the final URL, the header that changed, the error message. */
  detail: string;
  /** The final HTTP status, when a response came. */
  status?: number;
}

/** What a direct media URL's headers said at an earlier check, to tell whether the content was replaced. */
export interface MediaValidators {
  etag?: string;
  contentLength?: string;
  lastModified?: string;
}

export interface ClassifyOptions {
  /** Registrable domain of the URL as reported: a chain ending elsewhere means the content is no longer there. */
  reportedDomain?: string;
  /** Registrable domain of the chain's end (the caller knows the public-suffix list; this module does not). */
  finalDomain?: string;
  /** Validators from the first check of a direct media URL. */
  firstValidators?: MediaValidators;
  /** Validators of this check's final response. */
  validators?: MediaValidators;
  /** Checks in a row, before this one, that were `unreachable`. */
  unreachableBefore?: number;
  /** How many unreachable checks in a row count as removed; default 3. */
  unreachableChecks?: number;
}

/** Final statuses that say the content is gone whatever else the host does. */
const GONE = new Set([404, 410, 451]);
/** 4xx answers that say nothing about the content: rate limiting, timeouts at the server. */
const TRANSIENT_4XX = new Set([408, 425, 429]);

let removalPages: RegExp[] | undefined;
/** The removal-page patterns of data/recheck/removal-pages.txt (read once). */
export function removalPagePatterns(): RegExp[] {
  removalPages ??= readFileSync(new URL('../../../data/recheck/removal-pages.txt', import.meta.url), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => new RegExp(line, 'i'));
  return removalPages;
}

/**
 * The verdict of one re-check from its resolution record (made without downloading any media body: only HTML is
 * read, as `vigie resolve` does). Order matters: a DNS name gone or a final "gone" status is removal whatever came
 * before it; a redirect away from the reported domain, or to a removal page, is removal; a 2xx is online unless a
 * direct media URL's validators changed; anything else is unreachable, removal after enough of them in a row.
 */
export function classifyRecheck(record: ResolutionRecord, options: ClassifyOptions = {}): RecheckVerdict {
  const final: Hop | undefined = record.hops.at(-1);
  const dnsError = record.dns?.error?.code ?? final?.error?.code;
  if (dnsError === 'dns-nxdomain') return { state: 'removed', evidence: 'dns-name-gone', detail: `${record.dns?.name ?? record.host?.ascii ?? ''}: NXDOMAIN` };
  const status = final?.status;
  const finalUrl = record.finalUrl ?? final?.url ?? record.url ?? record.input;
  if (status !== undefined && GONE.has(status)) return { state: 'removed', evidence: `http-${status}`, detail: `${status} at ${finalUrl}`, status };
  if (status !== undefined && status >= 400 && status < 500 && !TRANSIENT_4XX.has(status)) {
    return { state: 'removed', evidence: `http-${status}`, detail: `${status} at ${finalUrl}`, status };
  }
  if (status !== undefined && status < 400) {
    if (options.reportedDomain && options.finalDomain && options.reportedDomain !== options.finalDomain) {
      return { state: 'removed', evidence: 'redirected-elsewhere', detail: `ends at ${finalUrl}`, status };
    }
    const target = removalTarget(finalUrl);
    const pattern = target && removalPagePatterns().find((candidate) => candidate.test(target));
    if (pattern) return { state: 'removed', evidence: 'removal-page', detail: `ends at ${finalUrl} (${pattern.source})`, status };
    const changed = changedValidator(options.firstValidators, options.validators);
    if (changed) return { state: 'removed', evidence: 'content-changed', detail: changed, status };
    if (status >= 200 && status < 300) return { state: 'online', evidence: 'online', detail: `${status} at ${finalUrl}`, status };
  }
  const reason = final?.error ?? record.dns?.error ?? record.error;
  const detail = reason ? `${reason.code}: ${reason.message}` : status !== undefined ? `${status} at ${finalUrl}` : 'no answer';
  const inARow = (options.unreachableBefore ?? 0) + 1;
  if (inARow >= (options.unreachableChecks ?? 3)) {
    return { state: 'removed', evidence: 'unreachable-repeatedly', detail: `${detail} (${inARow} checks in a row)`, ...(status ? { status } : {}) };
  }
  return { state: 'unreachable', evidence: 'unreachable', detail, ...(status ? { status } : {}) };
}

/** Host, path and query of a URL, the part removal-page patterns look at. */
function removalTarget(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname}${parsed.search}`;
  } catch {
    return undefined;
  }
}

function changedValidator(first: MediaValidators | undefined, now: MediaValidators | undefined): string | undefined {
  if (!first || !now) return undefined;
  for (const key of ['etag', 'contentLength', 'lastModified'] as const) {
    if (first[key] !== undefined && now[key] !== undefined && first[key] !== now[key]) return `${key} was ${first[key]}, now ${now[key]}`;
  }
  return undefined;
}
