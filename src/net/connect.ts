/**
 * Opens the TCP (and TLS) connection for one HTTP request ourselves, so that it goes to the address our own DNS
 * returned (or through the analyst's proxy) and we can record what was actually used: the peer address and port,
 * and the certificate the server presented. Certificates are never a reason to refuse: a phishing site's
 * self-signed certificate is evidence, so it is recorded with `trusted: false`.
 */
import { connect as connectTcp, isIP, type Socket } from 'node:net';
import type { ErrorCode } from '../core/errors.js';
import { connect as connectTls, type PeerCertificate, type TLSSocket } from 'node:tls';
import { SocksClient } from 'socks';
import type { CertificateInfo } from '../core/resolution.js';

export interface ProxySpec {
  kind: 'http-proxy' | 'socks5';
  host: string;
  port: number;
}

export interface ConnectTarget {
  /** Host name from the URL (for SNI, the proxy, and the CONNECT line). */
  hostname: string;
  port: number;
  tls: boolean;
  /** The address to connect to, from our DNS; ignored with a proxy (the proxy resolves, as Tor needs). */
  address?: string;
  proxy?: ProxySpec;
  timeoutMs: number;
}

export interface Connection {
  socket: Socket;
  /** The address and port of the peer we are talking to (the proxy's, through a proxy). */
  remoteAddress?: string;
  remotePort?: number;
  certificate?: CertificateInfo;
}

export class ConnectError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** `http://host:port` or `socks5://host:port` (`socks5h://` is accepted: names are always resolved by the proxy). */
export function parseProxy(spec: string): ProxySpec {
  let url: URL;
  try {
    url = new URL(spec);
  } catch {
    throw new ConnectError('bad-proxy', `proxy "${spec}" is not a URL (http://host:port or socks5://host:port)`);
  }
  const kind = url.protocol === 'http:' ? 'http-proxy' : /^socks5h?:$/.test(url.protocol) ? 'socks5' : undefined;
  if (!kind || url.hostname === '') {
    throw new ConnectError('bad-proxy', `proxy "${spec}" must be http://host:port or socks5://host:port`);
  }
  const port = Number(url.port || (kind === 'socks5' ? 1080 : 8080));
  return { kind, host: url.hostname.replace(/^\[|\]$/g, ''), port };
}

function describeName(name: PeerCertificate['subject'] | undefined): string {
  if (!name) return '';
  return Object.entries(name)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : value}`)
    .join(', ');
}

function certificateOf(socket: TLSSocket): CertificateInfo | undefined {
  const cert = socket.getPeerCertificate();
  if (!cert || !cert.fingerprint256) return undefined;
  return {
    subject: describeName(cert.subject),
    issuer: describeName(cert.issuer),
    ...(cert.subjectaltname ? { subjectAltName: cert.subjectaltname } : {}),
    validFrom: new Date(cert.valid_from).toISOString(),
    validTo: new Date(cert.valid_to).toISOString(),
    fingerprintSha256: cert.fingerprint256,
    serialNumber: cert.serialNumber,
    trusted: socket.authorized,
    ...(socket.authorized ? {} : { trustError: String(socket.authorizationError) }),
  };
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new ConnectError('timeout', `${what} took longer than ${timeoutMs} ms`));
    }, timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

type Track = (socket: Socket) => void;

function openTcp(host: string, port: number, track: Track): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp({ host, port });
    track(socket);
    socket.once('connect', () => resolve(socket));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.destroy();
      reject(new ConnectError('connect-failed', `cannot connect to ${host}:${port}: ${error.code ?? error.message}`));
    });
  });
}

function startTls(target: ConnectTarget, options: { socket?: Socket; host?: string }, track: Track): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connectTls({
      ...options,
      port: target.port,
      servername: isIP(target.hostname) === 0 ? target.hostname : undefined,
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    });
    track(socket);
    socket.once('secureConnect', () => resolve(socket));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.destroy();
      const code = error.code === 'ECONNREFUSED' ? 'connect-failed' : 'tls-failed';
      reject(new ConnectError(code, `TLS with ${target.hostname}:${target.port} failed: ${error.code ?? error.message}`));
    });
  });
}

/** RFC 9110 CONNECT through an HTTP proxy; the tunnel then carries plain HTTP or TLS alike. */
async function tunnelHttpProxy(proxy: ProxySpec, target: ConnectTarget, track: Track): Promise<Socket> {
  const socket = await openTcp(proxy.host, proxy.port, track);
  const authority = `${isIP(target.hostname) === 6 ? `[${target.hostname}]` : target.hostname}:${target.port}`;
  socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
  const head = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      if (buffered.length > 16_384) return fail(new ConnectError('proxy-failed', 'proxy reply header too large'));
      const end = buffered.indexOf('\r\n\r\n');
      if (end === -1) return;
      socket.off('data', onData);
      // Bytes after the header belong to the tunnel: the target speaks first only after we do, so there are none.
      resolve(buffered.slice(0, end));
    };
    const fail = (error: Error) => {
      socket.off('data', onData);
      socket.destroy();
      reject(error);
    };
    socket.on('data', onData);
    socket.once('end', () => fail(new ConnectError('proxy-failed', 'proxy closed the connection')));
    socket.once('error', (error) => fail(new ConnectError('proxy-failed', error.message)));
  });
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1];
  if (status !== '200') {
    socket.destroy();
    throw new ConnectError('proxy-failed', `proxy refused CONNECT ${authority}: ${head.split('\r\n')[0]}`);
  }
  socket.removeAllListeners('end');
  socket.removeAllListeners('error');
  return socket;
}

async function tunnelSocks5(proxy: ProxySpec, target: ConnectTarget, track: Track): Promise<Socket> {
  try {
    const { socket } = await SocksClient.createConnection({
      proxy: { host: proxy.host, port: proxy.port, type: 5 },
      command: 'connect',
      destination: { host: target.hostname, port: target.port },
      timeout: target.timeoutMs,
    });
    track(socket);
    return socket;
  } catch (error) {
    throw new ConnectError('proxy-failed', `SOCKS5 proxy ${proxy.host}:${proxy.port}: ${(error as Error).message}`);
  }
}

async function establish(target: ConnectTarget, track: Track): Promise<Connection> {
  let socket: Socket;
  if (target.proxy) {
    socket = await (target.proxy.kind === 'socks5' ? tunnelSocks5 : tunnelHttpProxy)(target.proxy, target, track);
    if (target.tls) socket = await startTls(target, { socket }, track);
  } else if (target.tls) {
    socket = await startTls(target, { host: target.address }, track);
  } else {
    socket = await openTcp(target.address as string, target.port, track);
  }
  return {
    socket,
    remoteAddress: socket.remoteAddress,
    remotePort: socket.remotePort,
    certificate: target.tls ? certificateOf(socket as TLSSocket) : undefined,
  };
}

/** One connection to `target`, within its timeout; a late socket is destroyed rather than leaked. */
export function openConnection(target: ConnectTarget): Promise<Connection> {
  const sockets: Socket[] = [];
  return withTimeout(
    establish(target, (socket) => sockets.push(socket)),
    target.timeoutMs,
    `connecting to ${target.hostname}:${target.port}`,
    () => sockets.forEach((socket) => socket.destroy()),
  );
}
