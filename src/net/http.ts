/**
 * Follows a URL's redirect chain by hand, one request per hop, recording each hop as evidence: the address and
 * port actually connected to, TLS certificate, status, Location, Server, and a UTC timestamp. Only HTML bodies are
 * read (up to a byte cap, to find a meta refresh); any other body, media above all, is never downloaded.
 */
import { isIP } from 'node:net';
import { Client, errors as undiciErrors } from 'undici';
import { isoNow, type Clock } from '../core/clock.js';
import type { KeyedLimiter } from '../core/concurrency.js';
import type { ErrorInfo, Hop } from '../core/resolution.js';
import { classifyAddress } from './addresses.js';
import { ConnectError, openConnection, type Connection, type ProxySpec } from './connect.js';
import { discardBody, readCapped } from './body.js';
import { findMetaRefresh } from './html.js';
import { HTTP_MAX_HOPS, HTTP_TIMEOUT_MS, HTTP_USER_AGENT } from './settings.js';
import { MAX_URL_LENGTH } from './url.js';

export interface HttpOptions {
  /** Per request, from connecting to the last body byte read. */
  timeoutMs: number;
  /** Requests in one chain, the first included. */
  maxHops: number;
  /** HTML bytes read per response. */
  maxBodyBytes: number;
  /** Response header bytes accepted; larger headers (a 100 KB Location) fail the hop. */
  maxHeaderBytes: number;
  userAgent: string;
  proxy?: ProxySpec;
  /** Addresses of a host name, from our DNS (the pipeline caches them). */
  resolveHost(host: string): Promise<{ addresses: { address: string }[]; error?: ErrorInfo }>;
  /** Caps parallel requests per host. */
  limiter?: KeyedLimiter;
  /**
   * Request addresses that are not public (loopback, private, link-local, reserved). Off by default: a reported URL
   * must not make the hotline's machine probe its own network, so such a hop is recorded and flagged, not requested.
   */
  allowPrivate?: boolean;
  /** Aborts the request in flight and ends the chain (`aborted`). */
  signal?: AbortSignal;
  /** Where hop timestamps come from. Default: the system clock. */
  clock?: Clock;
  /**
   * Ask with HEAD (a re-check of a direct media URL): the status and headers decide and no body is sent. A server
   * refusing HEAD (405, 501) is asked again with a GET closed right after its headers.
   */
  head?: boolean;
}

export interface Chain {
  hops: Hop[];
  /** The last URL requested. */
  finalUrl: URL;
  error?: ErrorInfo;
}

export const DEFAULT_HTTP_OPTIONS = {
  timeoutMs: HTTP_TIMEOUT_MS.default,
  maxHops: HTTP_MAX_HOPS.default,
  maxBodyBytes: 256 * 1024,
  maxHeaderBytes: 16 * 1024,
  userAgent: HTTP_USER_AGENT.default,
} satisfies Partial<HttpOptions>;

/** Headers that identify a representation, kept on the hop for re-checks. */
const VALIDATORS = [['etag', 'etag'], ['content-length', 'contentLength'], ['last-modified', 'lastModified']] as const;

const HTML_TYPES = /^\s*(text\/html|application\/xhtml\+xml)\b/i;

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Maps what undici and sockets throw onto the hop error codes documented in src/core/resolution.ts. */
function hopError(error: unknown, timedOut: boolean, timeoutMs: number): ErrorInfo {
  if (error instanceof ConnectError) return { code: error.code, message: error.message };
  const code = (error as { code?: string }).code ?? '';
  const message = (error as Error).message ?? String(error);
  if (timedOut || /TIMEOUT/.test(code)) return { code: 'timeout', message: `no complete answer within ${timeoutMs} ms` };
  if (error instanceof undiciErrors.HeadersOverflowError || code === 'UND_ERR_HEADERS_OVERFLOW') {
    return { code: 'header-too-large', message: 'response headers larger than the limit' };
  }
  if (code.startsWith('HPE_')) return { code: 'bad-response', message: `malformed HTTP response (${code})` };
  if (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET') return { code: 'connection-closed', message };
  return { code: 'http-failed', message };
}

export const abortedError = (): ErrorInfo => ({ code: 'aborted', message: 'stopped before the answer (interrupted)' });

/** Stops a body without reading it; closing the connection afterwards makes undici error it, which is expected. */
interface HopOutcome {
  hop: Hop;
  /** The raw next location (Location header or meta refresh target). */
  next?: string;
}

/** Statuses of a server that does not implement HEAD for the resource: it is asked again with GET. */
const HEAD_REFUSED = new Set([405, 501]);

/** One request to one address (or through the proxy); a HEAD the server refuses is made again as a GET. */
async function request(url: URL, address: string | undefined, options: HttpOptions): Promise<HopOutcome> {
  if (!options.head) return requestOnce(url, address, options, 'GET');
  const outcome = await requestOnce(url, address, options, 'HEAD');
  return outcome.hop.status !== undefined && HEAD_REFUSED.has(outcome.hop.status) ? requestOnce(url, address, options, 'GET') : outcome;
}

async function requestOnce(url: URL, address: string | undefined, options: HttpOptions, method: 'GET' | 'HEAD'): Promise<HopOutcome> {
  const hop: Hop = { url: url.href, timestamp: isoNow(options.clock), ...(method === 'HEAD' && { method }) };
  const tls = url.protocol === 'https:';
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  let connection: Connection | undefined;
  const client = new Client(url.origin, {
    connect: (_, callback) => {
      openConnection({ hostname, port: Number(url.port || (tls ? 443 : 80)), tls, address, proxy: options.proxy, timeoutMs: options.timeoutMs })
        .then((opened) => {
          connection = opened;
          hop.ip = opened.remoteAddress;
          hop.port = opened.remotePort;
          if (hop.ip) hop.scope = classifyAddress(hop.ip);
          if (options.proxy) hop.via = options.proxy.kind;
          if (opened.certificate) hop.tls = opened.certificate;
          callback(null, opened.socket);
        })
        .catch((error: Error) => callback(error, null));
    },
    maxHeaderSize: options.maxHeaderBytes,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    pipelining: 1,
  });
  const abort = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abort.abort();
  }, options.timeoutMs);
  const stop = () => abort.abort();
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    const response = await client.request({
      path: `${url.pathname}${url.search}`,
      method,
      headers: { 'user-agent': options.userAgent, accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8' },
      signal: abort.signal,
    });
    hop.status = response.statusCode;
    const location = header(response.headers, 'location');
    const server = header(response.headers, 'server');
    const contentType = header(response.headers, 'content-type');
    if (location !== undefined) hop.location = location;
    if (server !== undefined) hop.server = server;
    if (contentType !== undefined) hop.contentType = contentType;
    for (const [name, key] of VALIDATORS) {
      const value = header(response.headers, name);
      if (value !== undefined) hop[key] = value;
    }
    if (response.statusCode >= 300 && response.statusCode < 400 && location !== undefined) {
      discardBody(response.body);
      hop.next = 'location';
      return { hop, next: location };
    }
    // A HEAD has no body; a GET of anything but HTML is closed after its headers (media is never downloaded).
    if (method === 'HEAD' || !HTML_TYPES.test(contentType ?? '')) {
      discardBody(response.body);
      return { hop };
    }
    const html = await readCapped(response.body, options.maxBodyBytes);
    hop.bodyBytesRead = html.data.length;
    if (html.exceeded) hop.bodyTruncated = true;
    const refresh = findMetaRefresh(html.data.toString('utf8'));
    if (refresh !== undefined) hop.next = 'meta-refresh';
    return { hop, next: refresh };
  } catch (error) {
    hop.error = options.signal?.aborted ? abortedError() : hopError(error, timedOut, options.timeoutMs);
    return { hop };
  } finally {
    options.signal?.removeEventListener('abort', stop);
    clearTimeout(timer);
    connection?.socket.destroy();
    await client.destroy().catch(() => undefined);
  }
}

const RETRY_NEXT_ADDRESS = new Set(['connect-failed', 'timeout']);

/**
 * The one check, for `vigie resolve` and triage alike, that keeps requests off addresses that are not public; the
 * hop that would have gone there is recorded with the address, its scope and the reason, and nothing is sent.
 */
export function privateAddressHop(url: URL, addresses: string[], clock?: Clock): Hop | undefined {
  const scopes = addresses.map((address) => ({ address, scope: classifyAddress(address) }));
  if (scopes.length === 0 || scopes.some(({ scope }) => scope === 'public')) return undefined;
  const [{ address, scope }] = scopes;
  return {
    url: url.href,
    timestamp: isoNow(clock),
    ip: address,
    scope,
    error: { code: 'private-address', message: `${url.host} is at ${address} (${scope}): not requested (--allow-private requests it)` },
  };
}

/** One hop: resolve the host with our DNS, then try its (public, unless allowed) addresses in order until one connects. */
async function fetchHop(url: URL, options: HttpOptions): Promise<HopOutcome> {
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const literal = isIP(hostname) !== 0;
  // Through a proxy the proxy resolves names; an address literal is still ours to refuse.
  if (options.proxy) {
    const refused = literal && !options.allowPrivate ? privateAddressHop(url, [hostname], options.clock) : undefined;
    return refused ? { hop: refused } : request(url, undefined, options);
  }
  let addresses: string[];
  if (literal) addresses = [hostname];
  else {
    const resolved = await options.resolveHost(hostname);
    if (resolved.addresses.length === 0) {
      const error = resolved.error ?? { code: 'dns-no-address' as const, message: `${hostname} has no address` };
      return { hop: { url: url.href, timestamp: isoNow(options.clock), error } };
    }
    addresses = resolved.addresses.map((entry) => entry.address);
  }
  if (!options.allowPrivate) {
    const refused = privateAddressHop(url, addresses, options.clock);
    if (refused) return { hop: refused };
    // A name with public and inward addresses (a DNS rebinding set-up) is requested on the public ones only.
    addresses = addresses.filter((address) => classifyAddress(address) === 'public');
  }
  let outcome: HopOutcome | undefined;
  for (const address of addresses) {
    outcome = await request(url, address, options);
    if (!outcome.hop.error || !RETRY_NEXT_ADDRESS.has(outcome.hop.error.code) || outcome.hop.status !== undefined) break;
  }
  return outcome as HopOutcome;
}

function nextUrl(location: string, base: URL): URL | ErrorInfo {
  if (location.length > MAX_URL_LENGTH) return { code: 'bad-location', message: `redirect target of ${location.length} characters` };
  let target: URL;
  try {
    target = new URL(location, base);
  } catch {
    return { code: 'bad-location', message: `redirect target is not a URL: ${location.slice(0, 200)}` };
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    return { code: 'unsupported-scheme', message: `redirect to a ${target.protocol} URL is not followed` };
  }
  target.hash = '';
  return target;
}

/** Follows `start` through Location headers and meta refreshes until a final answer, a loop, or the hop limit. */
export async function followChain(start: URL, options: HttpOptions): Promise<Chain> {
  const hops: Hop[] = [];
  const visited = new Set<string>();
  let current = start;
  while (true) {
    if (options.signal?.aborted) return { hops, finalUrl: current, error: abortedError() };
    visited.add(current.href);
    const target = current;
    const run = () => fetchHop(target, options);
    const { hop, next } = await (options.limiter ? options.limiter.run(target.host, run) : run());
    hops.push(hop);
    if (hop.error) return { hops, finalUrl: current, error: hop.error };
    if (next === undefined) return { hops, finalUrl: current };
    const following = nextUrl(next, current);
    if (!(following instanceof URL)) return { hops, finalUrl: current, error: following };
    // A page that refreshes itself (a ticker, a waiting room) is an answer, not a loop.
    if (hop.next === 'meta-refresh' && following.href === current.href) return { hops, finalUrl: current };
    if (visited.has(following.href)) {
      return { hops, finalUrl: current, error: { code: 'redirect-loop', message: `redirect loop back to ${following.href}` } };
    }
    if (hops.length >= options.maxHops) {
      return { hops, finalUrl: current, error: { code: 'too-many-redirects', message: `more than ${options.maxHops} hops` } };
    }
    current = following;
  }
}
