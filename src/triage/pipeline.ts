/**
 * Batch triage: reports in, every report taken through clean URL → resolve → locate host → hash and match media →
 * qualify → draft notices, each step a library call whose result goes to the case store before the step is marked
 * done. A run that is killed at any point and started again reads what the store already has and does only what is
 * missing: no second DNS/HTTP request, hash or notice for finished work. Several processes on one PostgreSQL case
 * divide the reports between them through the store's claims (a lease that a killed worker lets expire).
 */
import { isoNow } from '../core/clock.js';
import { mapOrdered } from '../core/concurrency.js';
import { describeError, type ErrorCode, type ErrorInfo } from '../core/errors.js';
import type { HostingInfo } from '../core/hosting.js';
import type { MatchOutput, MatchRecord } from '../core/match.js';
import type { MediaHasher } from '../core/media-hasher.js';
import { TOOL } from '../core/producer.js';
import type { HashRecord } from '../core/records.js';
import type { ResolutionRecord } from '../core/resolution.js';
import type { SignalName } from '../core/signals/index.js';
import { classifyAddress, cleanUrl } from '../net/index.js';
import { qualify, type QualifyMatch } from './qualify.js';
import { batchLabel, locateMedia, readReports, type ReadProblem, type ReadReportsOptions, type ReportRow } from './reports.js';
import { StageClock, type RunTimings } from './timings.js';
import type { CaseReport, CaseStore, NoticeEntry, StepProvenance as Provenance, ReportInput, UrlFacts } from './store/index.js';

/** Step names as the case records them (`steps` of `vigie case show`). */
export const STEPS = ['url', 'resolve', 'hosting', 'media', 'qualify', 'notices'] as const;
export type Step = (typeof STEPS)[number];

/** Reports added to the store in one transaction while reading. */
const INGEST_CHUNK = 500;
/** How long claimed reports stay a worker's without renewal (renewed every third of it while the worker lives). */
export const DEFAULT_LEASE_MS = 30_000;
/** Reports claimed at once by a worker. */
const CLAIM_SIZE = 64;
/** Per-run caches (one resolution per URL, one hosting lookup per host) are dropped past this size: bounded memory. */
const CACHE_LIMIT = 10_000;
/** Registrable domains counted for the repeat-domain weight; past this many, new domains are no longer counted. */
const DOMAIN_COUNT_LIMIT = 200_000;

/** Resolves one URL (src/net's `Resolver.resolve`); the pipeline gives it cleaned URLs only. */
export type ResolveUrl = (url: string) => Promise<ResolutionRecord>;
/** Locates a URL, domain or address (src/net's `HostingLookup.lookup`). */
export type LocateTarget = (target: string) => Promise<HostingInfo>;
/** Matches one hash record (src/matching's `Matcher.match`). */
export type MatchHashes = (record: HashRecord) => MatchOutput;
/** Drafts the notices of one qualified report and writes their files; returns what the case keeps of them. */
export type DraftNotices = (report: CaseReport) => Promise<NoticeEntry[]>;

export interface TriageOptions {
  store: CaseStore;
  /** Report files (CSV or JSON Lines). */
  files: string[];
  read?: ReadReportsOptions;
  /** No network request at all: hosting from the reports' `ip` column and the GeoIP databases only. */
  offline: boolean;
  /** Fetch URLs whose host resolves to a loopback, private, link-local or reserved address (tests on loopback). */
  allowPrivate?: boolean;
  /** DNS only (no HTTP): the first look at a URL, to find private addresses before anything is fetched. */
  resolveDns?: ResolveUrl;
  /** The full resolution (DNS and the HTTP chain). Absent offline. */
  resolve?: ResolveUrl;
  locate: LocateTarget;
  /** Media hashing: absent when no `--against` set is given (media are then not hashed). */
  hasher?: MediaHasher;
  match?: MatchHashes;
  /** Signals media are hashed for (those the sets hold, plus SHA-256). */
  algorithms?: SignalName[];
  draft?: DraftNotices;
  /** This process's name in the claims (`host:pid`). */
  worker: string;
  /** Reports processed at once. */
  jobs?: number;
  leaseMs?: number;
  /** `vigie <version>`: the producer of every automatic value. */
  producer: string;
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
  onProblem?: (problem: ReadProblem) => void;
}

export interface ProgressEvent {
  stage: 'reading' | 'processing';
  done: number;
  /** Known once reading is over. */
  total?: number;
  errors: number;
}

/** What a run did, and what the case holds at the end. */
export interface TriageSummary {
  /** Rows read in this run, reports added (new), already there (a re-run), duplicate ids, unreadable rows. */
  read: { rows: number; added: number; existing: number; duplicates: number; problems: number };
  /** Reports this process finished in this run, and how many of them failed a step. */
  processed: number;
  failed: number;
  /** Notices drafted in this run. */
  noticesDrafted: number;
  /** The whole case after the run. */
  case: {
    reports: number;
    urls: number;
    hosts: number;
    autoQualified: number;
    needsReview: number;
    failed: number;
    notices: number;
    duplicates: number;
  };
  /** Work no worker has finished (other workers may be on it; a killed worker's comes back when its lease ends). */
  remaining: number;
  interrupted: boolean;
  /** Where this run spent its time, stage by stage (the store's calls included, waiting for it too). */
  timings: RunTimings;
}

/** What the case stores of a row: the report, without what only the reader needed. */
function toInput(row: ReportRow): ReportInput {
  const { mediaPath: _mediaPath, invalid: _invalid, ...input } = row;
  return input;
}

/** The cleaned URL as the case keys it, or why it cannot be. */
export function urlFacts(input: string): { facts: UrlFacts } | { error: ErrorInfo } {
  const cleaned = cleanUrl(input);
  if (!cleaned.ok) return { error: cleaned.error };
  const { url, asciiHost, registrableDomain, flags } = cleaned.value;
  const scopes = flags.includes('ip-literal') ? [classifyAddress(asciiHost)] : [];
  // `defanged` and `scheme-added` say how one reporter wrote the URL, not what it is: the URL (shared by the reports
  // of it) keeps only its own facts, whichever report recorded it first.
  const own = flags.filter((flag) => flag !== 'defanged' && flag !== 'scheme-added');
  const allFlags = scopes.some((scope) => scope !== 'public') ? [...own, 'private-address' as const] : own;
  const tld = flags.includes('ip-literal') ? undefined : asciiHost.split('.').filter(Boolean).at(-1);
  return {
    facts: {
      url: url.href,
      host: asciiHost,
      ...(registrableDomain && { domain: registrableDomain }),
      ...(tld && { tld }),
      flags: allFlags,
    },
  };
}

/** Has any address of a resolution (DNS, a hop, the final host) a scope other than public? */
export function reachesPrivate(record: ResolutionRecord): boolean {
  return record.flags.includes('private-address');
}

/** The qualification input of one report's matches. */
export function matchesOf(report: CaseReport): QualifyMatch[] {
  return report.media.flatMap((media) =>
    (media.matchRecord?.matches ?? []).map((match) => ({
      set: match.set,
      entry: match.entry,
      signal: match.signal,
      distance: match.distance,
      ...(match.category && { category: match.category }),
      ...(match.source && { source: match.source }),
    })),
  );
}

/** One run: read every file into the case, then process claimed reports until none is left. */
export async function runTriage(options: TriageOptions): Promise<TriageSummary> {
  const summary: TriageSummary = {
    read: { rows: 0, added: 0, existing: 0, duplicates: 0, problems: 0 },
    processed: 0,
    failed: 0,
    noticesDrafted: 0,
    case: { reports: 0, urls: 0, hosts: 0, autoQualified: 0, needsReview: 0, failed: 0, notices: 0, duplicates: 0 },
    remaining: 0,
    interrupted: false,
    timings: { wallMs: 0, workMs: 0, stages: {} as RunTimings['stages'] },
  };
  const clock = new StageClock();
  const run = new Run(options, summary, clock);
  await clock.work(() => run.ingest());
  if (!options.signal?.aborted) await run.process();
  summary.interrupted = options.signal?.aborted ?? false;
  const store = run.store;
  const totals = await clock.work(() => store.totals());
  const status = (name: string) => totals.byStatus.find((group) => group.key === name)?.count ?? 0;
  summary.case = {
    reports: totals.reports,
    urls: totals.urls,
    hosts: totals.hosts,
    autoQualified: status('auto-qualified'),
    needsReview: status('needs-review'),
    failed: status('failed'),
    notices: totals.notices,
    duplicates: totals.duplicates,
  };
  summary.remaining = await clock.work(() => store.workRemaining());
  summary.timings = clock.read();
  return summary;
}

class Run {
  /** The case, every call timed as the `store` stage. */
  readonly store: CaseStore;
  /** Reports per registrable domain in the batch files (the same for every worker and every rerun). */
  private readonly domainCounts = new Map<string, number>();
  /** The address the first report of the batch observed for each host (offline hosting comes from it). */
  private readonly hostIps = new Map<string, string>();
  /** Report file of each batch label, to find media again when a report is processed by a later run. */
  private readonly batchFiles = new Map<string, string>();
  private readonly resolutions = new Map<string, Promise<ResolutionRecord>>();
  private readonly hostings = new Map<string, Promise<HostingInfo>>();

  constructor(
    private readonly options: TriageOptions,
    private readonly summary: TriageSummary,
    private readonly clock: StageClock,
  ) {
    this.store = clock.wrap('store', options.store);
  }

  private provenance(step: string, observedAt = new Date().toISOString()): Provenance {
    return { producer: `${this.options.producer} ${step}${this.options.offline ? ' --offline' : ''}`, observedAt };
  }

  private progress(stage: ProgressEvent['stage'], done: number, total?: number): void {
    this.options.onProgress?.({ stage, done, total, errors: this.summary.read.problems + this.summary.failed });
  }

  /** Reads every file into the case (idempotent: a row already there is `existing`). */
  async ingest(): Promise<void> {
    for (const file of this.options.files) {
      this.batchFiles.set(batchLabel(file), file);
      let chunk: ReportRow[] = [];
      const flush = async () => {
        const outcomes = await this.store.addReports(chunk.map(toInput));
        for (const [index, outcome] of outcomes.entries()) {
          this.summary.read[outcome === 'inserted' ? 'added' : outcome === 'existing' ? 'existing' : 'duplicates']++;
          const row = chunk[index];
          // A new report that cannot be processed is recorded failed now; its id is kept, so a rerun knows it.
          if (outcome === 'inserted' && row.invalid) await this.store.recordFailure(row.id, 'read', row.invalid);
        }
        chunk = [];
        this.progress('reading', this.summary.read.rows);
      };
      for await (const item of this.clock.iterate('read', readReports(file, this.options.read))) {
        if (this.options.signal?.aborted) break;
        this.summary.read.rows++;
        if ('problem' in item) {
          this.summary.read.problems++;
          this.options.onProblem?.(item.problem);
          continue;
        }
        this.clock.timeSync('clean', () => this.countDomain(item.report));
        chunk.push(item.report);
        if (chunk.length >= INGEST_CHUNK) await flush();
      }
      if (chunk.length > 0) await flush();
    }
  }

  private countDomain(row: ReportRow): void {
    if (row.invalid) return;
    const cleaned = urlFacts(row.url);
    if ('error' in cleaned) return;
    const host = cleaned.facts.host ?? '';
    if (row.ip && !this.hostIps.has(host) && this.hostIps.size < DOMAIN_COUNT_LIMIT) this.hostIps.set(host, row.ip);
    const key = cleaned.facts.domain ?? host;
    const count = this.domainCounts.get(key);
    if (count !== undefined) this.domainCounts.set(key, count + 1);
    else if (this.domainCounts.size < DOMAIN_COUNT_LIMIT) this.domainCounts.set(key, 1);
  }

  /** Claims reports and processes them, `jobs` at a time, until no unfinished report is left to claim. */
  async process(): Promise<void> {
    const { store, options, clock } = this;
    const total = await clock.work(() => store.workRemaining());
    const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    let done = 0;
    this.progress('processing', 0, total);
    for (;;) {
      if (options.signal?.aborted) return;
      const claimed = await clock.work(() => store.claimReports(options.worker, { limit: CLAIM_SIZE, leaseMs }));
      if (claimed.length === 0) {
        // Reports still held: another worker's, or a killed run's whose lease has not expired yet. Wait, then take
        // over what expires; the batch is done when no report is left unfinished.
        if ((await clock.work(() => store.workRemaining())) === 0) return;
        await new Promise((resolve) => setTimeout(resolve, Math.min(1000, leaseMs / 3)));
        continue;
      }
      const renew = setInterval(() => void store.renewLease(options.worker, claimed, leaseMs).catch(() => undefined), leaseMs / 3);
      try {
        // The claimed reports are read together (one query per table): they are this worker's until completed.
        const states = new Map((await clock.work(() => store.showReports(claimed))).map((state) => [state.report.id, state]));
        for await (const { id, completed } of mapOrdered(claimed, options.jobs ?? 8, (id) =>
          clock.work(async () => ({ id, completed: options.signal?.aborted ? undefined : await this.processReport(id, states.get(id)) })),
        )) {
          if (completed) {
            this.summary.processed++;
            done++;
            this.progress('processing', done, total);
          } else if (options.signal?.aborted) {
            await clock.work(() => store.releaseReports(options.worker, [id]));
          }
        }
      } finally {
        clearInterval(renew);
      }
    }
  }

  /**
   * Every step not yet done for one report, then its completion. A step does its work (network, hashing) outside
   * any transaction; its records and its checkpoint wait for the next commit, made after each step that did outside
   * work (so that work is never lost to a kill) and at the end, with the completion: a report takes one to three
   * transactions. The report is kept up to date in memory from the state read at its claim; the case is asked only
   * what another report may have done meanwhile (the URL resolved, the host located). A step's failure is recorded on
   * the report and ends its processing (the report is finished, as failed). Returns whether this worker completed
   * the report (false: its lease was lost to another worker), undefined when the run was interrupted first.
   */
  async processReport(id: string, state: CaseReport | undefined): Promise<boolean | undefined> {
    const { store, options } = this;
    if (!state) return store.completeReport(id, options.worker);
    const pending: Write[] = [];
    /** Steps done since the last commit: their checkpoints are one multi-row statement in it. */
    const finished: Step[] = [];
    const commit = async () => {
      const writes = pending.splice(0);
      const steps = finished.splice(0);
      if (writes.length > 0 || steps.length > 0) await store.transaction(async (tx) => {
        for (const write of writes) await write(tx);
        await tx.markStepsDone(id, steps, options.producer);
      });
    };
    const complete = async () => {
      let completed = false;
      pending.push(async (tx) => void (completed = await tx.completeReport(id, options.worker)));
      await commit();
      return completed;
    };
    if (state.report.status === 'failed') {
      this.summary.failed++;
      return complete();
    }
    const done = new Set(state.steps.map((step) => step.step));
    let aborted = false;
    /** Runs a step not done yet; `outside` steps commit at once when they did some work (their write). */
    const step = async (name: Step, body: () => Promise<Write | undefined>, outside = false): Promise<boolean> => {
      if (done.has(name)) return true;
      if (options.signal?.aborted) {
        aborted = true;
        return false;
      }
      try {
        const write = await body();
        if (write) pending.push(write);
        finished.push(name);
        if (outside && write) await commit();
      } catch (error) {
        if (options.signal?.aborted) {
          aborted = true;
          return false;
        }
        pending.push((tx) => tx.recordFailure(id, name, describeError(error)));
        this.summary.failed++;
        return false;
      }
      return true;
    };
    let facts: UrlFacts | undefined = state.url;
    let known = { resolved: state.url?.resolution !== undefined, located: state.hosting !== undefined };
    const ok =
      (await step('url', async () => {
        const cleaned = this.clock.timeSync('clean', () => urlFacts(state.report.url));
        if ('error' in cleaned) throw Object.assign(new Error(cleaned.error.message), { code: cleaned.error.code });
        const recorded = cleaned.facts;
        facts = recorded;
        // The URL may be another report's, already resolved, its host located (by this run or an earlier one).
        known = await store.knownFacts(recorded.url, recorded.host ?? '');
        return async (tx) => void (await tx.recordUrl(id, recorded));
      })) &&
      (await step('resolve', () => this.resolveStep(state, facts!, known.resolved), true)) &&
      (await step('hosting', () => this.hostingStep(state, facts!, known.located, commit), true)) &&
      (await step('media', () => this.mediaStep(state), true)) &&
      (await step('qualify', () => this.qualifyStep(state, facts!)));
    if (aborted) {
      await commit();
      return undefined;
    }
    if (ok && options.draft && !done.has('notices')) {
      // Drafts are made from the case as it is now (the host another report located, an analyst's decision).
      await commit();
      const current = (await store.showReport(id))!;
      if (current.report.status === 'auto-qualified' || current.report.status === 'qualified') {
        await step('notices', async () => {
          const entries = await this.clock.time('drafts', () => options.draft!(current));
          this.summary.noticesDrafted += entries.length;
          return async (tx) => {
            for (const entry of entries) await tx.recordNotice(entry);
          };
        });
        if (aborted) {
          await commit();
          return undefined;
        }
      }
    }
    return complete();
  }

  /** One resolution per URL: a URL another report already resolved (this run or an earlier one) is not asked again. */
  private async resolveStep(state: CaseReport, facts: UrlFacts, resolved: boolean): Promise<Write | undefined> {
    const { resolve, resolveDns, allowPrivate } = this.options;
    if (!resolve || resolved) return undefined;
    // Timed here, so that a report waiting for another's resolution of the same URL counts that wait as resolving.
    const record = await this.clock.time('resolve', () =>
      cachedPromise(this.resolutions, facts.url, async () => {
        const first = await (resolveDns ?? resolve)(facts.url);
        // Never fetched: a URL whose host is private (the hotline's own network) gets its DNS answer only.
        if ((!allowPrivate && (reachesPrivate(first) || facts.flags.includes('private-address'))) || !resolveDns) return first;
        return resolve(facts.url);
      }),
    );
    // The hosting step locates the URL where it led.
    state.url = { ...facts, resolution: record };
    return (tx) => tx.recordResolution(facts.url, record, this.provenance('resolve', record.observedAt));
  }

  /** One hosting lookup per host per run; a host the case already knows is not looked up again. */
  private async hostingStep(state: CaseReport, facts: UrlFacts, located: boolean, commit: () => Promise<void>): Promise<Write | undefined> {
    if (located || !facts.host) return undefined;
    // Resolved by another report: its resolution is read from the case (where the URL led decides the host), once
    // this report's own writes so far (its link to the URL) are committed.
    if (this.options.resolve && !state.url?.resolution) {
      await commit();
      state.url = (await this.store.showReport(state.report.id))?.url;
    }
    const info = await this.clock.time('locate', () => cachedPromise(this.hostings, facts.host!, () => this.locate(state, facts)));
    return (tx) => tx.recordHosting(facts.host!, info, this.provenance('hosting'));
  }

  /** Where the report's host is. The record is the host's (shared by its URLs), so its target is the host name. */
  private async locate(state: CaseReport, facts: UrlFacts): Promise<HostingInfo> {
    const info = await this.locateTarget(state, facts);
    return { ...info, target: facts.host!, kind: facts.flags.includes('ip-literal') ? 'ip' : 'domain' };
  }

  private async locateTarget(state: CaseReport, facts: UrlFacts): Promise<HostingInfo> {
    const { offline, allowPrivate } = this.options;
    const resolution = state.url?.resolution;
    const base = {
      target: facts.url,
      kind: 'url' as const,
      host: facts.host,
      ...(facts.domain && { registrableDomain: facts.domain }),
      observedAt: isoNow(),
      producer: { tool: TOOL },
    };
    const empty = (code: ErrorCode, message: string): HostingInfo => ({
      ...base,
      addresses: [],
      abuseContacts: [],
      disagreements: [],
      lookups: [],
      credits: [],
      error: { code, message },
    });
    if (offline) {
      // The address the first report of the batch gave for this host, whichever report gets here first.
      const ip = this.hostIps.get(facts.host!) ?? state.report.ip;
      if (!ip) return empty('offline-no-ip', 'offline: the report gives no IP address, so the host is not located');
      const info = await this.options.locate(ip);
      return { ...info, ...base, warnings: [...(info.warnings ?? []), `address ${ip} as observed by the reporter (offline)`] };
    }
    if (!allowPrivate && (facts.flags.includes('private-address') || (resolution && reachesPrivate(resolution)))) {
      return empty('private-address', 'the URL reaches a private, loopback, link-local or reserved address: not looked up');
    }
    return this.options.locate(resolution?.finalUrl ?? facts.url);
  }

  /**
   * Hashes the report's media (a file already hashed for it is not hashed again) and matches it and given hashes.
   * A media's hash and its match are written together: a kill between the two must not leave a hashed file whose
   * match a resumed run would never make (the file counts as done once its hash is stored).
   */
  private async mediaStep(state: CaseReport): Promise<Write | undefined> {
    const { hasher, match, algorithms } = this.options;
    if (!match) return undefined;
    const known = new Set(state.media.map((media) => media.path));
    const found: { path: string; record: HashRecord; output: MatchRecord }[] = [];
    const matched = (path: string, record: HashRecord) => {
      const output = this.clock.timeSync('match', () => match(record));
      if ('error' in output) throw Object.assign(new Error(`${path}: ${output.error.message}`), { code: output.error.code });
      found.push({ path, record, output: output as MatchRecord });
    };
    const given = state.report.hashes;
    if (given && Object.keys(given).length > 0 && !known.has('(hashes given)')) {
      matched('(hashes given)', { path: '(hashes given)', hashes: given } as HashRecord);
    }
    const media = state.report.media;
    if (media && hasher && !known.has(media)) {
      const file = this.batchFiles.get(state.report.batch);
      if (!file) throw Object.assign(new Error(`report file of batch ${state.report.batch} not given: media cannot be found`), { code: 'media-batch-unknown' });
      const record = await this.clock.time('hash', async () => {
        const located = await locateMedia(media, file, this.options.read?.mediaRoot);
        if ('error' in located) throw Object.assign(new Error(located.error), { code: 'media-refused' });
        let hashed: HashRecord | undefined;
        for await (const one of hasher.hashFiles([located.path], { algorithms: algorithms ?? ['sha256'], signal: this.options.signal })) hashed = one;
        return hashed;
      });
      if (!record) throw Object.assign(new Error(`media ${media}: not hashed`), { code: 'media-not-hashed' });
      if ('error' in record) throw Object.assign(new Error(`media ${media}: ${record.error.message}`), { code: record.error.code });
      matched(media, { ...record, path: media });
    }
    if (found.length === 0) return undefined;
    const hashedAt = this.provenance('hash');
    const matchedAt = this.provenance('match');
    // What the qualification reads.
    for (const { path, record, output } of found) state.media.push({ path, hashRecord: record, matchRecord: output, provenance: hashedAt });
    return async (tx) => {
      for (const { path, record, output } of found) {
        await tx.recordMedia(state.report.id, { path, hashRecord: record }, hashedAt);
        await tx.recordMatches(state.report.id, path, output, matchedAt);
      }
    };
  }

  private async qualifyStep(state: CaseReport, facts: UrlFacts): Promise<Write> {
    const key = facts.domain ?? facts.host ?? '';
    const qualification = this.clock.timeSync('qualify', () =>
      qualify({
        ...(state.report.categoryClaimed !== undefined && { categoryClaimed: state.report.categoryClaimed }),
        source: state.report.source,
        matches: matchesOf(state),
        sameDomainReports: Math.max(0, (this.domainCounts.get(key) ?? 1) - 1),
      }),
    );
    return (tx) => tx.recordQualification(state.report.id, qualification, this.provenance('qualify'));
  }
}

/** What a step writes to the case, in the transaction that also marks it done. */
type Write = (tx: CaseStore) => Promise<void>;

async function cachedPromise<T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let entry = cache.get(key);
  if (!entry) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    entry = make();
    cache.set(key, entry);
    // A failure is not kept: the next report on the same URL or host tries again.
    entry.catch(() => cache.delete(key));
  }
  return entry;
}
