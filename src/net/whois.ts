import { connect } from 'node:net';
import { KeyedLimiter } from '../core/concurrency.js';
import { VigieError } from '../core/errors.js';
import type { LookupCache } from './cache.js';
import { cleanAddress } from './ip.js';
import type { RateLimiter } from './rate-limit.js';
import type { RegistryFacts, WhoisReferral } from './registry-facts.js';
import { REGISTRY_TIMEOUT_MS } from './settings.js';
import { parseWhois } from './whois-parse.js';
import { decodeWhois, firstAnywhere, splitWhois } from './whois-text.js';

export interface WhoisClientOptions {
  cache: LookupCache;
  rateLimiter: RateLimiter;
  /** Where to start: IANA knows which registry holds every TLD and address block. */
  ianaServer?: string;
  /**
   * Where to connect for a server name, as `host:port` (e.g. `whois.ripe.net` → `127.0.0.1:4343` in tests). Names not
   * listed are contacted on port 43.
   */
  servers?: Record<string, string>;
  /** Per query. Default 15 s. */
  timeoutMs?: number;
  /** Answers above this are cut off with an error. Default 1 MB (real answers are under 50 KB). */
  maxBytes?: number;
  /** Default 24 h; not-found answers 1 h. */
  ttlMs?: number;
  notFoundTtlMs?: number;
}

export interface WhoisHop {
  server: string;
  query: string;
  facts: RegistryFacts;
}

/** A referral chain: IANA → registry → registrar (domains) or IANA → RIR → RIR (ARIN's transferred ranges). */
export interface WhoisAnswer {
  hops: WhoisHop[];
  /** An `rwhois://` referral, reported but not followed. */
  unfollowed?: WhoisReferral;
}

export const WHOIS_DEFAULTS = {
  ianaServer: 'whois.iana.org',
  timeoutMs: REGISTRY_TIMEOUT_MS.default,
  maxBytes: 1_000_000,
  ttlMs: 86_400_000,
  notFoundTtlMs: 3_600_000,
};
const MAX_HOPS = 5;

/** How some servers want to be asked, so that they answer with the object and its contacts. */
function queryFor(server: string, query: string): string {
  if (server === 'whois.arin.net' && cleanAddress(query)) return `n + ${query}`;
  if (server === 'whois.denic.de') return `-T dn,ace ${query}`;
  if (server === 'whois.verisign-grs.com') return `domain ${query}`;
  return query;
}

/** WHOIS (RFC 3912) over TCP port 43, following referrals, with a size cap, a timeout and a rate limit per server. */
export class WhoisClient {
  private readonly settings: typeof WHOIS_DEFAULTS;
  private readonly perServer = new KeyedLimiter(1);

  constructor(private readonly options: WhoisClientOptions) {
    this.settings = { ...WHOIS_DEFAULTS };
    for (const key of Object.keys(WHOIS_DEFAULTS) as (keyof typeof WHOIS_DEFAULTS)[]) {
      if (options[key] !== undefined) Object.assign(this.settings, { [key]: options[key] });
    }
  }

  /** The network holding an address: IANA's block → RIR, then any RIR referral. */
  async ip(address: string): Promise<{ answer: WhoisAnswer; cached: boolean }> {
    const hit = await this.options.cache.findRange<WhoisAnswer>('whois-ip', address);
    if (hit) return { answer: hit, cached: true };
    const iana = await this.ianaReferral('whois-iana-ip', address);
    return this.perServer.run(iana.host, async () => {
      const again = await this.options.cache.findRange<WhoisAnswer>('whois-ip', address);
      if (again) return { answer: again, cached: true };
      const { value, cached } = await this.options.cache.get(
        'whois-ip',
        address,
        () => this.follow(iana, address),
        (answer) => this.ttl(answer),
        (answer) => {
          const network = answer.hops.at(-1)?.facts.network;
          return network?.startAddress && network.endAddress ? { first: network.startAddress, last: network.endAddress } : undefined;
        },
      );
      return { answer: value, cached };
    });
  }

  /** A domain: IANA's TLD entry → registry → the registrar's server when the registry names one. */
  async domain(name: string): Promise<{ answer: WhoisAnswer; cached: boolean }> {
    const tld = name.split('.').pop() as string;
    const registry = await this.ianaReferral('whois-iana-tld', tld);
    const { value, cached } = await this.options.cache.get(
      'whois-domain',
      name.toLowerCase(),
      () => this.follow(registry, name),
      (answer) => this.ttl(answer),
    );
    return { answer: value, cached };
  }

  /** Which server IANA refers a TLD or an address block to; cached per TLD and per IANA block. */
  private async ianaReferral(namespace: string, query: string): Promise<WhoisReferral> {
    const iana = this.settings.ianaServer;
    const lookup = async () => {
      const text = await this.ask(iana, query);
      const referral = parseWhois(text, iana, query).referral;
      if (!referral) throw new VigieError('whois-no-server', `${iana} knows no WHOIS server for ${query}`);
      const block = firstAnywhere(splitWhois(text), 'inetnum', 'inet6num');
      const range = block?.match(/^(\S+)\s*-\s*(\S+)$/);
      return { referral, range: range ? { first: range[1], last: range[2] } : undefined };
    };
    if (namespace !== 'whois-iana-ip') {
      const { value } = await this.options.cache.get(namespace, query, lookup, () => this.settings.ttlMs);
      return value.referral;
    }
    // Addresses of one IANA block share one answer: wait for a query in flight, then look in the cache again.
    const inBlock = () => this.options.cache.findRange<{ referral: WhoisReferral }>(namespace, query);
    const value =
      (await inBlock()) ??
      (await this.perServer.run(iana, async () => {
        const again = await inBlock();
        if (again) return again;
        return (await this.options.cache.get(namespace, query, lookup, () => this.settings.ttlMs, (v) => v.range)).value;
      }));
    return value.referral;
  }

  private async follow(start: WhoisReferral, query: string): Promise<WhoisAnswer> {
    const hops: WhoisHop[] = [];
    const visited = new Set<string>();
    let next: WhoisReferral | undefined = start;
    while (next) {
      if (next.scheme === 'rwhois') return { hops, unfollowed: next };
      const key = `${next.host}:${next.port}`;
      if (visited.has(key)) {
        throw new VigieError('referral-loop', `WHOIS referral loop: ${[...visited, key].join(' → ')} for ${query}`);
      }
      if (hops.length >= MAX_HOPS) throw new VigieError('too-many-referrals', `more than ${MAX_HOPS} WHOIS referrals for ${query}`);
      visited.add(key);
      const server: string = next.host;
      const text = await this.ask(server, queryFor(server, query), next.port);
      const facts = parseWhois(text, server, query);
      hops.push({ server, query, facts });
      next = facts.notFound ? undefined : facts.referral;
    }
    return { hops };
  }

  private ttl(answer: WhoisAnswer): number {
    return answer.hops.at(-1)?.facts.notFound ? this.settings.notFoundTtlMs : this.settings.ttlMs;
  }

  /** One query to one server; the connection target comes from the `servers` map when the name is listed there. */
  private async ask(server: string, query: string, port = 43): Promise<string> {
    const mapped = this.options.servers?.[server];
    const [host, mappedPort] = mapped ? splitHostPort(mapped) : [server, port];
    await this.options.rateLimiter.wait(server);
    return decodeWhois(await queryTcp(host, mappedPort, query, this.settings.timeoutMs, this.settings.maxBytes, server));
  }
}

function splitHostPort(value: string): [string, number] {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(value);
  return match ? [match[1], Number(match[2])] : [value, 43];
}

/** Sends `query` CRLF and reads until the server closes, within `timeoutMs` and `maxBytes`. */
export function queryTcp(host: string, port: number, query: string, timeoutMs: number, maxBytes: number, name = host): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const socket = connect({ host, port });
    const fail = (error: VigieError) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    const timer = setTimeout(
      () => fail(new VigieError('timeout', `WHOIS ${name}: no complete answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.on('connect', () => socket.write(`${query}\r\n`));
    socket.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) fail(new VigieError('too-large', `WHOIS ${name}: answer larger than ${(maxBytes / 1e6).toFixed(1)} MB`));
      else chunks.push(chunk);
    });
    socket.on('error', (error) => fail(new VigieError('whois-error', `WHOIS ${name}: ${error.message}`)));
    socket.on('end', () => {
      clearTimeout(timer);
      socket.end();
      resolve(Buffer.concat(chunks));
    });
  });
}
