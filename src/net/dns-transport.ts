/**
 * One DNS question, one validated answer: over UDP (falling back to TCP when the reply is truncated) or over
 * DNS-over-HTTPS (RFC 8484). Replies come from the network and may be hostile, so everything is checked before it
 * is trusted: the source address and port, the ID, the question, the record count, and the decoding itself.
 */
import { randomInt } from 'node:crypto';
import { createSocket, type RemoteInfo } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { connect as connectTcp, isIP } from 'node:net';
import type { ErrorCode } from '../core/errors.js';
import * as dnsPacket from 'dns-packet';
import type { Packet, Answer, RecordType } from 'dns-packet';
import { request } from 'undici';
import { readCapped } from './body.js';

/** Where queries go: a `host:port` (or `[v6]:port`) for UDP/TCP, or an `https://…/dns-query` URL for DoH. */
export type ResolverEndpoint = { kind: 'udp'; host: string; port: number } | { kind: 'doh'; url: string };

export interface TransportOptions {
  /** Per attempt, in milliseconds. */
  timeoutMs: number;
  /** Extra attempts after a timeout (spread over the resolvers in turn). */
  retries: number;
  /** A reply announcing more records than this is refused unread: nothing legitimate needs that many. */
  maxRecords: number;
}

/** A resource record as we use it (OPT pseudo-records dropped). */
export interface DnsRecord {
  name: string;
  type: string;
  ttl: number;
  data: unknown;
}

export interface DnsReply {
  rcode: string;
  answers: DnsRecord[];
}

/** A query that produced no usable reply. `code` is one of the DNS error codes documented in dns.ts. */
export class DnsQueryError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const DNS_MESSAGE_MAX = 65_535;
const HEADER_BYTES = 12;

export function parseResolver(spec: string): ResolverEndpoint {
  // Plain http:// is accepted for local DoH servers (tests, a resolver on the same host).
  if (/^https?:\/\//i.test(spec)) {
    try {
      return { kind: 'doh', url: new URL(spec).href };
    } catch {
      throw new DnsQueryError('bad-resolver', `resolver "${spec}" is not a valid URL`);
    }
  }
  const match = /^\[([0-9a-f:.]+)\](?::(\d+))?$/i.exec(spec) ?? /^([^:]+)(?::(\d+))?$/.exec(spec);
  const bareV6 = isIP(spec) === 6 ? [spec, spec, undefined] : null;
  const [, host, port] = bareV6 ?? match ?? [];
  const portNumber = port === undefined ? 53 : Number(port);
  if (!host || isIP(host) === 0 || !(portNumber >= 1 && portNumber <= 65_535)) {
    throw new DnsQueryError('bad-resolver', `resolver "${spec}" must be an IP address with optional :port, or https://…`);
  }
  return { kind: 'udp', host, port: portNumber };
}

/** The nameservers of /etc/resolv.conf, or 127.0.0.1:53 as glibc assumes when there are none. */
export function systemResolvers(path = '/etc/resolv.conf'): ResolverEndpoint[] {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    // No resolv.conf: same default as the C library.
  }
  const servers = [...text.matchAll(/^\s*nameserver\s+(\S+)/gm)]
    .map((match) => match[1].replace(/%.*$/, ''))
    .filter((host) => isIP(host) !== 0)
    .map((host) => ({ kind: 'udp' as const, host, port: 53 }));
  return servers.length > 0 ? servers : [{ kind: 'udp', host: '127.0.0.1', port: 53 }];
}

function encodeQuery(id: number, name: string, type: RecordType): Buffer {
  return dnsPacket.encode({
    id,
    type: 'query',
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name, type, class: 'IN' }],
  });
}

/** Decodes and validates a reply; throws DnsQueryError('dns-malformed-reply'|'too-many-records'|'mismatch'). */
function decodeReply(buffer: Buffer, id: number | null, name: string, type: RecordType, maxRecords: number): Packet {
  if (buffer.length < HEADER_BYTES) throw new DnsQueryError('dns-malformed-reply', `reply of ${buffer.length} bytes is too short`);
  const count = buffer.readUInt16BE(4) + buffer.readUInt16BE(6) + buffer.readUInt16BE(8) + buffer.readUInt16BE(10);
  if (count > maxRecords + 1) {
    throw new DnsQueryError('dns-too-many-records', `reply announces ${count} records (limit ${maxRecords})`);
  }
  let packet: Packet;
  try {
    packet = dnsPacket.decode(buffer);
  } catch (error) {
    throw new DnsQueryError('dns-malformed-reply', `undecodable reply: ${(error as Error).message}`);
  }
  const question = packet.questions?.[0];
  if (
    packet.type !== 'response' ||
    (id !== null && packet.id !== id) ||
    !question ||
    packet.questions?.length !== 1 ||
    question.name.toLowerCase() !== name.toLowerCase() ||
    question.type !== type
  ) {
    throw new DnsQueryError('dns-mismatch', 'reply does not match the query (ID or question)');
  }
  return packet;
}

function toRecords(answers: Answer[] = []): DnsRecord[] {
  return answers.flatMap((a) => (a.type === 'OPT' ? [] : [{ name: a.name, type: a.type, ttl: a.ttl ?? 0, data: a.data }]));
}

function toReply(packet: Packet): DnsReply {
  return { rcode: (packet as Packet & { rcode?: string }).rcode ?? 'NOERROR', answers: toRecords(packet.answers) };
}

interface Attempt {
  name: string;
  type: RecordType;
  options: TransportOptions;
}

/**
 * UDP: wait for the one reply that comes from the server we asked, carries our random ID and echoes our question;
 * anything else is discarded and we keep waiting until the timeout. If only bad replies came, the error says so.
 */
function queryUdp(server: { host: string; port: number }, { name, type, options }: Attempt): Promise<Packet> {
  const id = randomInt(65_536);
  const socket = createSocket(isIP(server.host) === 6 ? 'udp6' : 'udp4');
  return new Promise<Packet>((resolve, reject) => {
    let lastProblem: DnsQueryError | undefined;
    const finish = (error: Error | null, packet?: Packet) => {
      clearTimeout(timer);
      socket.close();
      if (error) reject(error);
      else resolve(packet as Packet);
    };
    const timer = setTimeout(() => {
      finish(
        lastProblem ??
          new DnsQueryError('dns-timeout', `no reply from ${server.host}:${server.port} within ${options.timeoutMs} ms`),
      );
    }, options.timeoutMs);
    socket.on('error', (error) => finish(new DnsQueryError('dns-network', error.message)));
    socket.on('message', (message: Buffer, remote: RemoteInfo) => {
      if (remote.address !== server.host || remote.port !== server.port) return;
      if (message.length >= 2 && message.readUInt16BE(0) !== id) {
        lastProblem = new DnsQueryError('dns-mismatch', 'only replies with a wrong ID came back');
        return;
      }
      try {
        finish(null, decodeReply(message, id, name, type, options.maxRecords));
      } catch (error) {
        lastProblem = error as DnsQueryError;
      }
    });
    socket.send(encodeQuery(id, name, type), server.port, server.host, (error) => {
      if (error) finish(new DnsQueryError('dns-network', error.message));
    });
  });
}

/** TCP (RFC 1035 4.2.2: two-byte length prefix), used when a UDP reply had the TC bit. */
function queryTcp(server: { host: string; port: number }, { name, type, options }: Attempt): Promise<Packet> {
  const id = randomInt(65_536);
  const query = encodeQuery(id, name, type);
  return new Promise<Packet>((resolve, reject) => {
    const socket = connectTcp({ host: server.host, port: server.port });
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (error: Error | null, packet?: Packet) => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(packet as Packet);
    };
    const timer = setTimeout(
      () => finish(new DnsQueryError('dns-timeout', `no TCP reply from ${server.host}:${server.port} within ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    socket.on('connect', () => socket.write(Buffer.concat([Buffer.from([query.length >> 8, query.length & 0xff]), query])));
    socket.on('error', (error) => finish(new DnsQueryError('dns-network', error.message)));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      if (received > DNS_MESSAGE_MAX + 2) return finish(new DnsQueryError('dns-malformed-reply', 'TCP reply too long'));
      const data = Buffer.concat(chunks);
      if (data.length < 2 || data.length < 2 + data.readUInt16BE(0)) return;
      try {
        finish(null, decodeReply(data.subarray(2, 2 + data.readUInt16BE(0)), id, name, type, options.maxRecords));
      } catch (error) {
        finish(error as Error);
      }
    });
    socket.on('end', () => finish(new DnsQueryError('dns-malformed-reply', 'TCP connection closed before a whole reply')));
  });
}

/** RFC 8484 POST; the ID is 0 as the RFC recommends, so the question check is what ties the answer to us. */
async function queryDoh(url: string, { name, type, options }: Attempt): Promise<Packet> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    const response = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/dns-message', accept: 'application/dns-message' },
      body: encodeQuery(0, name, type),
      signal,
    });
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new DnsQueryError('dns-network', `DoH server answered HTTP ${response.statusCode}`);
    }
    const { data, exceeded } = await readCapped(response.body, DNS_MESSAGE_MAX);
    if (exceeded) throw new DnsQueryError('dns-malformed-reply', 'DoH reply longer than a DNS message can be');
    return decodeReply(data, 0, name, type, options.maxRecords);
  } catch (error) {
    if (error instanceof DnsQueryError) throw error;
    if (signal.aborted) throw new DnsQueryError('dns-timeout', `no DoH reply from ${url} within ${options.timeoutMs} ms`);
    throw new DnsQueryError('dns-network', `DoH request to ${url} failed: ${(error as Error).message}`);
  }
}

async function queryOnce(server: ResolverEndpoint, attempt: Attempt): Promise<Packet> {
  if (server.kind === 'doh') return queryDoh(server.url, attempt);
  const packet = await queryUdp(server, attempt);
  return (packet as Packet & { flag_tc?: boolean }).flag_tc ? queryTcp(server, attempt) : packet;
}

/** Asks the resolvers in turn, retrying only after timeouts and network errors; a DNS answer of any rcode is final. */
export async function query(
  resolvers: ResolverEndpoint[],
  name: string,
  type: RecordType,
  options: TransportOptions,
): Promise<DnsReply> {
  let lastError: DnsQueryError | undefined;
  for (let attempt = 0; attempt <= options.retries; attempt++) {
    const server = resolvers[attempt % resolvers.length];
    try {
      return toReply(await queryOnce(server, { name, type, options }));
    } catch (error) {
      lastError = error instanceof DnsQueryError ? error : new DnsQueryError('dns-network', (error as Error).message);
      if (lastError.code === 'dns-too-many-records' || lastError.code === 'dns-malformed-reply') break;
    }
  }
  throw lastError as DnsQueryError;
}
