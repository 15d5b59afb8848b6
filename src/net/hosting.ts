import { isoNow } from '../core/clock.js';
import { isIP } from 'node:net';
import { abandonOnAbort } from '../core/abort.js';
import { describeError, type ErrorInfo } from '../core/errors.js';
import { resolveAddresses, type AddressResolution, type DnsOptions } from './dns.js';
import type { AbuseContact, AddressInfo, Disagreement, DomainRegistration, HostingInfo, LookupOutcome } from '../core/hosting.js';
import { TOOL, type Producer } from '../core/producer.js';
import type { ResolutionRecord } from '../core/resolution.js';
import type { GeoIpDatabase } from './geoip.js';
import type { RdapClient } from './rdap.js';
import type { RegistryFacts } from './registry-facts.js';
import { parseTarget, targetOfResolution, type GeoTarget } from './targets.js';
import type { WhoisClient } from './whois.js';

/** Name → addresses; `resolveAddresses` from dns.ts unless a caller injects another (tests, a shared cache). */
export type ResolveAddresses = (name: string, options: DnsOptions) => Promise<AddressResolution>;

export interface HostingLookupOptions {
  /** GeoIP databases, asked in order; the first that knows an address gives its country. */
  geoip: GeoIpDatabase[];
  /** Undefined turns RDAP off (`--no-rdap`). */
  rdap?: RdapClient;
  /** Undefined turns WHOIS off (`--no-whois`). */
  whois?: WhoisClient;
  /** `fallback`: WHOIS only where RDAP has no server or fails; `always`: both, to cross-check. */
  whoisMode?: 'fallback' | 'always';
  resolve?: ResolveAddresses;
  /** Passed to `resolve`: `host:port` or a DoH URL. */
  resolver?: string;
}

/** Finds, for a URL, domain or address, where it is hosted and whom to notify (see HostingInfo). */
export class HostingLookup {
  private readonly resolve: ResolveAddresses;
  /** The signal of the lookup each record belongs to (lookups run concurrently on one HostingLookup). */
  private readonly signals = new WeakMap<HostingInfo, AbortSignal>();

  constructor(private readonly options: HostingLookupOptions) {
    this.resolve = options.resolve ?? resolveAddresses;
  }

  /**
   * Locates a URL, domain or address as typed or pasted (cleaned as `vigie resolve` cleans URLs, `ip:port` accepted),
   * or the end of a `vigie resolve` record's chain at the addresses it found. Never throws: a target that cannot be
   * handled, or whose every registry lookup failed (`lookups-failed`: the answer is incomplete), has `error`. An
   * aborted `signal` makes no further request (the record's error is `aborted`).
   */
  async lookup(input: string | ResolutionRecord, options: { signal?: AbortSignal } = {}): Promise<HostingInfo> {
    const started = isoNow();
    let target: GeoTarget;
    try {
      target = typeof input === 'string' ? parseTarget(input) : targetOfResolution(input);
    } catch (error) {
      const echoed = (typeof input === 'string' ? input : String(input.input ?? '')).trim().slice(0, 2000);
      return { ...this.emptyInfo({ target: echoed, kind: 'domain' }, started), error: describeError(error) };
    }
    const info = this.emptyInfo(target, started);
    if (options.signal) this.signals.set(info, options.signal);
    try {
      await this.fill(info, target, options.signal);
    } catch (error) {
      // A bug in one parser must not end a batch of thousands: the target gets an error record instead.
      info.error = options.signal?.aborted ? { code: 'aborted', message: 'stopped before the answer (interrupted)' } : describeError(error);
    }
    return info;
  }

  /** The record's frame, keys in reading order: what was asked, then (filled later) what was found, then by what. */
  private emptyInfo(target: Pick<GeoTarget, 'target' | 'kind' | 'host' | 'registrableDomain' | 'registryDomain'>, observedAt: string): HostingInfo {
    return {
      target: target.target,
      kind: target.kind,
      ...(target.host && { host: target.host }),
      ...(target.registrableDomain && { registrableDomain: target.registrableDomain }),
      ...(target.registryDomain && { registryDomain: target.registryDomain }),
      addresses: [],
      abuseContacts: [],
      disagreements: [],
      lookups: [],
      credits: [],
      observedAt,
      producer: this.producer,
    };
  }

  /** The tool version and every GeoIP database asked, with its build date: a country answer is only as new as that. */
  private get producer(): Producer {
    return { tool: TOOL, geoip: this.options.geoip.map((db) => ({ source: db.source, buildDate: db.buildDate.toISOString() })) };
  }

  private async fill(info: HostingInfo, target: GeoTarget, signal: AbortSignal | undefined): Promise<void> {
    const facts: RegistryFacts[] = [];
    let addresses = target.addresses;
    signal?.throwIfAborted();
    if (!addresses && target.host) {
      const host = target.host;
      const resolved = await abandonOnAbort(() => this.resolve(host, { resolver: this.options.resolver }), signal).catch((error: unknown) => ({
        addresses: [],
        error: describeError(error),
      }));
      addresses = [...new Set(resolved.addresses.map((a) => a.address))];
      info.lookups.push(outcome('dns', target.host, resolved.error ? 'error' : addresses.length ? 'ok' : 'not-found', resolved.error));
    }
    signal?.throwIfAborted();
    const [addressInfos, registration] = await Promise.all([
      Promise.all((addresses ?? []).map((address) => this.locateAddress(address, info, facts))),
      target.registryDomain ? this.register(target.registryDomain, info, facts) : undefined,
    ]);
    signal?.throwIfAborted();
    info.addresses = addressInfos;
    if (registration) info.registration = registration;
    info.abuseContacts = rankContacts(facts.flatMap((f) => f.contacts));
    info.disagreements = findDisagreements(info, facts);
    info.credits = [...new Set(this.options.geoip.map((db) => db.credit).filter((c): c is string => !!c))];
    const failed = everyNetworkLookupFailed(info.lookups);
    if (failed) {
      // Read alone, a country with an empty abuse column looks like "this network has no abuse contact".
      info.error = { code: 'lookups-failed', message: `every registry lookup failed (${failed.source}: ${failed.error?.message}): the answer is incomplete` };
    } else if (info.addresses.length === 0 && !info.registration) {
      info.error = { code: 'no-address', message: `${target.host ?? target.target}: no address and no registration found` };
    }
  }

  close(): Promise<void> {
    return this.options.rdap?.close() ?? Promise.resolve();
  }

  private async locateAddress(address: string, info: HostingInfo, facts: RegistryFacts[]): Promise<AddressInfo> {
    const located: AddressInfo = { address, family: isIP(address) === 4 ? 4 : 6, geoip: [] };
    for (const db of this.options.geoip) {
      try {
        const answer = db.lookup(address);
        if (!answer) {
          info.lookups.push(outcome(db.source, address, 'skipped', { code: 'wrong-family', message: `${db.source} has no IPv${located.family} data` }));
          continue;
        }
        located.geoip.push(answer);
        info.lookups.push(outcome(db.source, address, answer.notFound ? 'not-found' : 'ok'));
        if (!located.country && answer.country) Object.assign(located, { country: answer.country, countrySource: db.source });
        if (located.asn === undefined && answer.asn !== undefined) {
          Object.assign(located, { asn: answer.asn, asOrganization: answer.asOrganization ?? answer.organization, asnSource: db.source });
        }
      } catch (error) {
        info.lookups.push(outcome(db.source, address, 'error', describeError(error)));
      }
    }
    const network = await this.networkFacts(address, info);
    facts.push(...network);
    const best = network.find((f) => f.network);
    if (best?.network) located.network = best.network;
    if (located.asn !== undefined && !located.asOrganization && this.options.rdap) {
      const autnum = await this.attempt(info, 'rdap', `AS${located.asn}`, () => this.options.rdap!.autnum(located.asn!));
      if (autnum?.facts.autnum) located.asOrganization = autnum.facts.autnum.holder ?? autnum.facts.autnum.name;
    }
    return located;
  }

  /** RDAP first; WHOIS when RDAP has no server for the address, fails, or when both are asked for. */
  private async networkFacts(address: string, info: HostingInfo): Promise<RegistryFacts[]> {
    const found: RegistryFacts[] = [];
    const rdap = this.options.rdap;
    if (rdap) {
      const answer = await this.attempt(info, 'rdap', address, () => rdap.ip(address));
      if (answer) found.push(answer.facts);
    }
    if (this.options.whois && (found.length === 0 || this.options.whoisMode === 'always')) {
      const whois = this.options.whois;
      const answer = await this.attempt(info, 'whois', address, () => whois.ip(address));
      if (answer) found.push(...this.whoisFacts(answer.answer, info).slice(-1));
    }
    return found;
  }

  private async register(domain: string, info: HostingInfo, facts: RegistryFacts[]): Promise<DomainRegistration | undefined> {
    const found: RegistryFacts[] = [];
    const rdap = this.options.rdap;
    if (rdap) {
      const answer = await this.attempt(info, 'rdap', domain, () => rdap.domain(domain));
      if (answer) {
        found.push(answer.registry.facts);
        if (answer.registrar) found.push(answer.registrar.facts);
        if (answer.registrarError) {
          info.lookups.push(outcome(`rdap:${new URL(answer.registrarError.url).host}`, domain, 'error', answer.registrarError.error));
        }
      }
    }
    if (this.options.whois && (found.length === 0 || this.options.whoisMode === 'always')) {
      const whois = this.options.whois;
      const answer = await this.attempt(info, 'whois', domain, () => whois.domain(domain));
      if (answer) found.push(...this.whoisFacts(answer.answer, info));
    }
    facts.push(...found);
    return mergeRegistration(found);
  }

  /**
   * Every hop's facts. For an address only the last hop counts: the ones before it (ARIN for a range transferred to
   * RIPE) name the registry's own placeholder contacts, not the holder's.
   */
  private whoisFacts(answer: { hops: { facts: RegistryFacts }[]; unfollowed?: { host: string; port: number } }, info: HostingInfo): RegistryFacts[] {
    if (answer.unfollowed) {
      (info.warnings ??= []).push(`rwhois://${answer.unfollowed.host}:${answer.unfollowed.port} referral not followed`);
    }
    return answer.hops.map((hop) => hop.facts);
  }

  /**
   * Runs one lookup and records its outcome under the source that answered; a failure is recorded and yields
   * undefined, so the other sources still run. `kind` labels the outcome when the lookup failed before answering.
   */
  private async attempt<T>(info: HostingInfo, kind: 'rdap' | 'whois', query: string, run: () => Promise<T>): Promise<T | undefined> {
    try {
      const result = await abandonOnAbort(run, this.signals.get(info));
      for (const { source, status, cached } of describeAnswer(kind, result)) {
        info.lookups.push({ ...outcome(source, query, status), ...(cached ? { cached } : {}) });
      }
      if (result === undefined) info.lookups.push(outcome(kind, query, 'skipped', { code: 'no-server', message: `no ${kind.toUpperCase()} server for ${query}` }));
      return result;
    } catch (error) {
      info.lookups.push(outcome(kind, query, 'error', describeError(error)));
      return undefined;
    }
  }
}

type AnswerLike =
  | { facts: RegistryFacts; cached: boolean }
  | { registry: { facts: RegistryFacts; cached: boolean }; registrar?: { facts: RegistryFacts; cached: boolean } }
  | { answer: { hops: { facts: RegistryFacts }[] }; cached: boolean };

/** The source and status of each registry that answered (a registrar after its registry, every WHOIS hop). */
function describeAnswer(kind: string, result: unknown): { source: string; status: LookupOutcome['status']; cached: boolean }[] {
  if (result === undefined) return [];
  const answer = result as AnswerLike;
  const entries: { facts: RegistryFacts; cached: boolean }[] =
    'registry' in answer
      ? [answer.registry, ...(answer.registrar ? [answer.registrar] : [])]
      : 'answer' in answer
        ? answer.answer.hops.map((hop) => ({ facts: hop.facts, cached: answer.cached }))
        : [answer];
  return entries.map(({ facts, cached }) => ({ source: facts.source || kind, status: facts.notFound ? 'not-found' : 'ok', cached }));
}

/**
 * The first failure when every lookup over the network (DNS, RDAP, WHOIS) failed, none answering: then the GeoIP
 * country, from a local file, is all the record holds. Lookups skipped (no server for it) do not count.
 */
function everyNetworkLookupFailed(lookups: LookupOutcome[]): LookupOutcome | undefined {
  const network = lookups.filter((lookup) => !lookup.source.startsWith('geoip:') && lookup.status !== 'skipped');
  return network.length > 0 && network.every((lookup) => lookup.status === 'error') ? network[0] : undefined;
}

function outcome(source: string, query: string, status: LookupOutcome['status'], error?: ErrorInfo): LookupOutcome {
  return { source, query, status, ...(error ? { error } : {}) };
}

/** Registry facts first, then what only the registrar adds (the registrant, in thin registries). */
function mergeRegistration(found: RegistryFacts[]): DomainRegistration | undefined {
  const answered = found.filter((f) => f.domain || f.notFound);
  if (answered.length === 0) return undefined;
  const merged: DomainRegistration = { sources: answered.map((f) => f.source) };
  if (answered.every((f) => f.notFound)) return { ...merged, notFound: true };
  for (const facts of answered) {
    for (const [key, value] of Object.entries(facts.domain ?? {})) {
      if (value !== undefined && (merged as unknown as Record<string, unknown>)[key] === undefined) {
        (merged as unknown as Record<string, unknown>)[key] = value;
      }
    }
  }
  return merged;
}

const PARTY_ORDER: Record<AbuseContact['party'], number> = { host: 0, domain: 1, registrar: 2 };
const BASIS_ORDER: Record<AbuseContact['basis'], number> = { role: 0, contact: 1, remark: 2 };

/** One entry per address (strongest basis kept, every provenance listed), host before registrar, role before remark. */
export function rankContacts(contacts: AbuseContact[]): AbuseContact[] {
  const byKey = new Map<string, AbuseContact>();
  for (const contact of contacts) {
    const key = `${contact.party}\n${contact.email ?? contact.phone}`;
    const existing = byKey.get(key);
    if (!existing) {
      byKey.set(key, { ...contact, provenance: [...contact.provenance] });
      continue;
    }
    for (const provenance of contact.provenance) if (!existing.provenance.includes(provenance)) existing.provenance.push(provenance);
    if (BASIS_ORDER[contact.basis] < BASIS_ORDER[existing.basis]) existing.basis = contact.basis;
    existing.phone ??= contact.phone;
    existing.partyName ??= contact.partyName;
  }
  return [...byKey.values()].sort(
    (a, b) => PARTY_ORDER[a.party] - PARTY_ORDER[b.party] || BASIS_ORDER[a.basis] - BASIS_ORDER[b.basis],
  );
}

/** Country (GeoIP databases, registry) and abuse address (RDAP vs WHOIS) where the sources do not agree. */
function findDisagreements(info: HostingInfo, facts: RegistryFacts[]): Disagreement[] {
  const found: Disagreement[] = [];
  for (const address of info.addresses) {
    const countries = [
      ...address.geoip.filter((a) => a.country).map((a) => ({ value: a.country as string, source: a.source })),
      ...(address.network?.country ? [{ value: address.network.country.toUpperCase(), source: address.network.source }] : []),
    ];
    if (new Set(countries.map((c) => c.value)).size > 1) found.push({ field: `country of ${address.address}`, values: countries });
  }
  const hostRoles = (prefix: string) =>
    facts
      .filter((f) => f.source.startsWith(prefix))
      .flatMap((f) => f.contacts.filter((c) => c.party === 'host' && c.basis === 'role' && c.email).map((c) => ({ value: c.email as string, source: c.provenance[0] })));
  const rdap = hostRoles('rdap:');
  const whois = hostRoles('whois:');
  if (rdap.length && whois.length && !rdap.some((r) => whois.some((w) => w.value === r.value))) {
    const values = [...rdap, ...whois].filter((v, i, all) => all.findIndex((o) => o.value === v.value && o.source === v.source) === i);
    found.push({ field: 'abuse-email', values });
  }
  return found;
}
