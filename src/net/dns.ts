/**
 * Name → records, with our own resolver (not the operating system's), so that the analyst chooses who answers
 * (`--resolver`) and every answer is recorded with its TTL.
 *
 * DNS error codes (in `error.code`): `dns-nxdomain`, `dns-servfail`, `dns-refused`, `dns-error` (another rcode), `dns-no-address`
 * (the name exists but has no A/AAAA), `timeout`, `network`, `mismatch` (only replies with a wrong ID or question
 * came back), `malformed-reply`, `too-many-records`, `cname-loop`, `invalid-name`, `bad-resolver`.
 */
import { isIP } from 'node:net';
import type { RecordType } from 'dns-packet';
import { describeError, type ErrorCode } from '../core/errors.js';
import { DNS_RETRIES, DNS_TIMEOUT_MS } from './settings.js';
import type { DnsAddress, DnsRecords, ErrorInfo, MailExchange, NameServer } from '../core/resolution.js';
import { classifyAddress } from './addresses.js';
import { DnsQueryError, parseResolver, type DnsRecord, query, systemResolvers, type ResolverEndpoint, type TransportOptions } from './dns-transport.js';

export interface DnsOptions {
  /** `host:port` (UDP, TCP on truncation) or `https://…/dns-query` (DoH); default: the system's resolvers. */
  resolver?: string;
  /** Per attempt; default 3000 ms. */
  timeoutMs?: number;
  /** Extra attempts after a timeout; default 1. */
  retries?: number;
}

export interface AddressResolution {
  /** The name asked for, lowercase, without a trailing dot. */
  name: string;
  /** Each CNAME target in order, starting from `name`'s alias. */
  cnameChain: string[];
  addresses: { address: string; family: 4 | 6; ttl: number }[];
  error?: ErrorInfo;
}

const MAX_RECORDS = 100;
/** Longer chains are loops or abuse; resolvers themselves stop around 8–16. */
const MAX_CNAME_CHAIN = 16;

interface Context {
  resolvers: ResolverEndpoint[];
  transport: TransportOptions;
}

function contextFor(options: DnsOptions = {}): Context {
  return {
    resolvers: options.resolver ? [parseResolver(options.resolver)] : systemResolvers(),
    transport: {
      timeoutMs: options.timeoutMs ?? DNS_TIMEOUT_MS.default,
      retries: options.retries ?? DNS_RETRIES.default,
      maxRecords: MAX_RECORDS,
    },
  };
}

function normaliseName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

function rcodeError(rcode: string, name: string, type: string): ErrorInfo | undefined {
  if (rcode === 'NOERROR') return undefined;
  const code = ({ NXDOMAIN: 'dns-nxdomain', SERVFAIL: 'dns-servfail', REFUSED: 'dns-refused' } as Record<string, ErrorCode>)[rcode];
  return { code: code ?? 'dns-error', message: `${name} ${type}: ${rcode}` };
}

function toErrorInfo(error: unknown): ErrorInfo {
  return error instanceof DnsQueryError ? { code: error.code, message: error.message } : describeError(error);
}

interface TypedAnswers {
  answers: DnsRecord[];
  error?: ErrorInfo;
}

async function ask(context: Context, name: string, type: RecordType): Promise<TypedAnswers> {
  try {
    const reply = await query(context.resolvers, name, type, context.transport);
    return { answers: reply.answers, error: rcodeError(reply.rcode, name, type) };
  } catch (error) {
    return { answers: [], error: toErrorInfo(error) };
  }
}

/** Follows CNAMEs inside one answer section; returns the chain and the name the address records belong to. */
function followCnames(start: string, answers: DnsRecord[]): { chain: string[]; target: string; loop: boolean } {
  const chain: string[] = [];
  let target = start;
  while (true) {
    const alias = answers.find((a) => a.type === 'CNAME' && normaliseName(a.name) === target);
    if (!alias) return { chain, target, loop: false };
    target = normaliseName(String(alias.data));
    if (target === start || chain.includes(target) || chain.length >= MAX_CNAME_CHAIN) return { chain, target, loop: true };
    chain.push(target);
  }
}

interface FamilyResult {
  chain: string[];
  addresses: AddressResolution['addresses'];
  error?: ErrorInfo;
}

/** A or AAAA of a name, following a CNAME chain across queries when the resolver did not include the targets. */
async function resolveFamily(context: Context, name: string, type: 'A' | 'AAAA'): Promise<FamilyResult> {
  const chain: string[] = [];
  let current = name;
  while (true) {
    const { answers, error } = await ask(context, current, type);
    if (error) return { chain, addresses: [], error };
    const followed = followCnames(current, answers);
    chain.push(...followed.chain);
    if (followed.loop || chain.length > MAX_CNAME_CHAIN) {
      return { chain, addresses: [], error: { code: 'dns-cname-loop', message: `CNAME chain of ${name} loops or is too long` } };
    }
    const addresses = answers
      .filter((a) => a.type === type && normaliseName(a.name) === followed.target)
      .map((a) => ({ address: String(a.data), family: type === 'A' ? (4 as const) : (6 as const), ttl: a.ttl }));
    if (addresses.length > 0 || followed.chain.length === 0) return { chain, addresses };
    current = followed.target;
  }
}

async function resolveWith(context: Context, rawName: string): Promise<AddressResolution> {
  const name = normaliseName(rawName);
  const literal = isIP(name.replace(/^\[|\]$/g, ''));
  if (literal !== 0) {
    return { name, cnameChain: [], addresses: [{ address: name.replace(/^\[|\]$/g, ''), family: literal as 4 | 6, ttl: 0 }] };
  }
  if (name.length === 0 || name.length > 253 || name.split('.').some((label) => label.length === 0 || label.length > 63)) {
    return { name, cnameChain: [], addresses: [], error: { code: 'invalid-name', message: `"${rawName}" is not a valid DNS name` } };
  }
  const [v4, v6] = await Promise.all([resolveFamily(context, name, 'A'), resolveFamily(context, name, 'AAAA')]);
  const addresses = [...v4.addresses, ...v6.addresses];
  const cnameChain = v4.chain.length >= v6.chain.length ? v4.chain : v6.chain;
  if (addresses.length > 0) return { name, cnameChain, addresses };
  const error = v4.error ?? v6.error ?? { code: 'dns-no-address', message: `${name} has no A or AAAA record` };
  return { name, cnameChain, addresses, error };
}

/** Name → addresses (A and AAAA, CNAMEs followed), for anyone who needs to know where a host points. */
export async function resolveAddresses(name: string, options?: DnsOptions): Promise<AddressResolution> {
  try {
    return await resolveWith(contextFor(options), name);
  } catch (error) {
    return { name: normaliseName(name), cnameChain: [], addresses: [], error: toErrorInfo(error) };
  }
}

/** `4.3.2.1.in-addr.arpa` / nibble form for IPv6, as PTR queries need. */
export function reverseName(address: string): string {
  if (isIP(address) === 4) return `${address.split('.').reverse().join('.')}.in-addr.arpa`;
  const groups = address.split('::');
  const head = groups[0] ? groups[0].split(':') : [];
  const tail = groups.length > 1 && groups[1] ? groups[1].split(':') : [];
  const full = [...head, ...Array<string>(8 - head.length - tail.length).fill('0'), ...tail];
  const nibbles = full.map((group) => group.padStart(4, '0')).join('');
  return `${[...nibbles].reverse().join('.')}.ip6.arpa`;
}

async function pointerNames(context: Context, address: string): Promise<string[]> {
  const { answers } = await ask(context, reverseName(address), 'PTR');
  return answers.filter((a) => a.type === 'PTR').map((a) => normaliseName(String(a.data)));
}

/**
 * Everything `vigie resolve` records about a host: CNAME chain, A/AAAA with TTLs and PTR names, and the NS and MX
 * of `zone` (the registrable domain: a host name itself rarely has them).
 */
export async function lookupRecords(host: string, zone: string | undefined, options?: DnsOptions): Promise<DnsRecords> {
  const context = contextFor(options);
  const resolved = await resolveWith(context, host);
  const zoneName = normaliseName(zone ?? resolved.name);
  const [addresses, ns, mx] = await Promise.all([
    Promise.all(
      resolved.addresses.map(
        async (entry): Promise<DnsAddress> => ({ ...entry, scope: classifyAddress(entry.address), ptr: await pointerNames(context, entry.address) }),
      ),
    ),
    ask(context, zoneName, 'NS'),
    ask(context, zoneName, 'MX'),
  ]);
  const nameServers: NameServer[] = ns.answers
    .filter((a) => a.type === 'NS')
    .map((a) => ({ name: normaliseName(String(a.data)), ttl: a.ttl }));
  const mailExchanges: MailExchange[] = mx.answers
    .filter((a) => a.type === 'MX')
    .map((a) => {
      const data = a.data as { preference: number; exchange: string };
      return { exchange: normaliseName(data.exchange), preference: data.preference, ttl: a.ttl };
    });
  return {
    name: resolved.name,
    cnameChain: resolved.cnameChain,
    addresses,
    zone: zoneName,
    ns: nameServers,
    mx: mailExchanges,
    ...(resolved.error ? { error: resolved.error } : {}),
  };
}
