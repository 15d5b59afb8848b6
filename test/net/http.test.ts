import { mkdtemp, readFile, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveUrl, type ResolveOptions } from '../../src/net/resolve.js';
import { findBinary, makeCertificate, startDnsmasq, startNginx, type RunningServer } from '../helpers/servers.js';
import { startConnectProxy, startHostileHttp, startSocks5, type Peer } from './hostile-http.js';

const nginx = findBinary('nginx', 'nginx-light');
const dnsmasq = findBinary('dnsmasq', 'dnsmasq-base');
const openssl = findBinary('openssl', 'openssl');
const WEB = 'web.hotline-test.example';

const SERVER_BLOCK = `
  server {
    listen 127.0.0.1:PORT;
    listen 127.0.0.1:TLSPORT ssl;
    absolute_redirect off;
    ssl_certificate DIR/cert.pem;
    ssl_certificate_key DIR/key.pem;
    location = /r301 { return 301 http://${WEB}:PORT/r302; }
    location = /r302 { return 302 /final; }
    location = /relative { return 302 final; }
    location = /protocol-relative { return 302 //${WEB}:PORT/final; }
    location = /to-https { return 302 https://${WEB}:TLSPORT/final; }
    location = /loop { return 302 /loop; }
    location = /loop-a { return 302 /loop-b; }
    location = /loop-b { return 302 /loop-a; }
    location = /meta { default_type text/html; return 200 '<html><head><!-- <meta http-equiv="refresh" content="0;url=/wrong"> --><meta content="0; URL=/final" http-equiv="Refresh"></head></html>'; }
    location = /final { default_type text/plain; return 200 "final\\n"; }
    location = /slow { limit_rate 1; default_type text/html; alias DIR/page.html; }
    location = /big.html { default_type text/html; alias DIR/big.html; }
    location = /media.mp4 { types { } default_type video/mp4; alias DIR/media.mp4; }
  }`;

describe.skipIf(!nginx || !dnsmasq || !openssl)('HTTP chains against nginx, names from dnsmasq', () => {
  let web: RunningServer & { tlsPort: number };
  let dns: RunningServer;
  let options: ResolveOptions;
  let fingerprint: string;
  const origin = () => `http://${WEB}:${web.port}`;

  beforeAll(async () => {
    dns = await startDnsmasq(dnsmasq as string, [
      '--local=/hotline-test.example/',
      `--host-record=${WEB},127.0.0.1`,
      `--cname=short.hotline-test.example,${WEB}`,
    ]);
    const certDir = await mkdtemp(join(tmpdir(), 'vigie-cert-'));
    try {
      const certificate = makeCertificate(certDir, WEB) as NonNullable<ReturnType<typeof makeCertificate>>;
      fingerprint = certificate.fingerprint;
      web = await startNginx(nginx as string, SERVER_BLOCK, {
        'cert.pem': await readFile(certificate.cert),
        'key.pem': await readFile(certificate.key),
        'page.html': `<html>${' '.repeat(4000)}</html>`,
        'big.html': `<html>${'<p>filler</p>'.repeat(200_000)}</html>`,
        'media.mp4': '',
      });
    } finally {
      await rm(certDir, { recursive: true, force: true });
    }
    // Sparse: 50 MB that would take a while to download, and take no disk space.
    await truncate(join(web.dir, 'media.mp4'), 50 * 1024 * 1024);
    // The test servers are on loopback, which is requested only when allowed.
    options = { dns: { resolver: `${dns.host}:${dns.port}`, timeoutMs: 500, retries: 0 }, timeoutMs: 3000, maxBodyBytes: 64 * 1024, allowPrivate: true };
  });
  afterAll(async () => {
    await web?.stop();
    await dns?.stop();
  });

  it('a name that resolves to loopback is flagged and not requested without allowPrivate', async () => {
    const record = await resolveUrl(`${origin()}/r301`, { ...options, allowPrivate: false });
    expect(record.dns?.addresses.map((a) => a.scope)).toEqual(['loopback']);
    expect(record.flags).toContain('private-address');
    expect(record.hops).toHaveLength(1);
    expect(record.hops[0]).toMatchObject({ ip: '127.0.0.1', scope: 'loopback', error: { code: 'private-address' } });
    expect(record.hops[0].status).toBeUndefined();
    expect(record.error?.code).toBe('private-address');
  });

  it('records every hop of 301 → 302 → 200', async () => {
    const record = await resolveUrl(`${origin()}/r301`, options);
    expect(record.error).toBeUndefined();
    expect(record.hops.map((hop) => [hop.url, hop.status, hop.location ?? null])).toEqual([
      [`${origin()}/r301`, 301, `${origin()}/r302`],
      [`${origin()}/r302`, 302, '/final'],
      [`${origin()}/final`, 200, null],
    ]);
    for (const hop of record.hops) {
      expect(hop).toMatchObject({ ip: '127.0.0.1', port: web.port, scope: 'loopback', server: expect.stringMatching(/^nginx/) });
      expect(hop.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    expect(record.finalUrl).toBe(`${origin()}/final`);
    expect(record.finalAddresses).toEqual([{ address: '127.0.0.1', family: 4, ttl: expect.any(Number), scope: 'loopback' }]);
    expect(record.flags).toContain('private-address');
  });

  it('connects to the address our resolver gave, through a CNAME', async () => {
    const record = await resolveUrl(`http://short.hotline-test.example:${web.port}/final`, options);
    expect(record.dns?.cnameChain).toEqual([WEB]);
    expect(record.hops[0]).toMatchObject({ status: 200, ip: '127.0.0.1' });
  });

  it.each([
    ['/relative', 'final'],
    ['/protocol-relative', `//${WEB}:PORT/final`],
  ])('follows a %s Location', async (path, location) => {
    const record = await resolveUrl(`${origin()}${path}`, options);
    expect(record.hops[0].location).toBe(location.replace('PORT', String(web.port)));
    expect(record.finalUrl).toBe(`${origin()}/final`);
    expect(record.hops.at(-1)?.status).toBe(200);
  });

  it.each(['/loop', '/loop-a'])('stops the redirect loop %s', async (path) => {
    const record = await resolveUrl(`${origin()}${path}`, options);
    expect(record.error?.code).toBe('redirect-loop');
    expect(record.hops.length).toBe(path === '/loop' ? 1 : 2);
  });

  it('follows a meta refresh, ignoring commented-out tags', async () => {
    const record = await resolveUrl(`${origin()}/meta`, options);
    expect(record.hops[0]).toMatchObject({ status: 200, next: 'meta-refresh', contentType: 'text/html' });
    expect(record.finalUrl).toBe(`${origin()}/final`);
  });

  it('records the self-signed certificate of an HTTPS hop', async () => {
    const record = await resolveUrl(`${origin()}/to-https`, options);
    const tlsHop = record.hops[1];
    expect(tlsHop).toMatchObject({ url: `https://${WEB}:${web.tlsPort}/final`, status: 200, port: web.tlsPort });
    expect(tlsHop.tls).toMatchObject({
      subject: `CN=${WEB}, O=Vigie Test`,
      issuer: `CN=${WEB}, O=Vigie Test`,
      fingerprintSha256: fingerprint,
      trusted: false,
      trustError: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    });
    expect(Date.parse(tlsHop.tls!.validTo) - Date.parse(tlsHop.tls!.validFrom)).toBe(2 * 86_400_000);
  });

  it('gives up on a slow endpoint within the timeout', async () => {
    const record = await resolveUrl(`${origin()}/slow`, { ...options, timeoutMs: 700 });
    expect(record.error).toEqual({ code: 'timeout', message: 'no complete answer within 700 ms' });
  });

  it('reads only the byte cap of a large HTML body', async () => {
    const record = await resolveUrl(`${origin()}/big.html`, options);
    expect(record.hops[0]).toMatchObject({ status: 200, bodyBytesRead: 64 * 1024, bodyTruncated: true });
  });

  it('never downloads media', async () => {
    const record = await resolveUrl(`${origin()}/media.mp4`, options);
    expect(record.hops[0]).toMatchObject({ status: 200, contentType: 'video/mp4' });
    expect(record.hops[0].bodyBytesRead).toBeUndefined();
  });

  it('reports an unknown host as a DNS error, and does no HTTP', async () => {
    const record = await resolveUrl(`http://nope.hotline-test.example:${web.port}/`, options);
    expect(record.error?.code).toBe('dns-nxdomain');
    expect(record.hops).toEqual([]);
  });

  it('does DNS only with http: false', async () => {
    const record = await resolveUrl(`${origin()}/r301`, { ...options, http: false });
    expect(record.hops).toEqual([]);
    expect(record.finalUrl).toBe(`${origin()}/r301`);
    expect(record.dns?.addresses.map((a) => a.address)).toEqual(['127.0.0.1']);
  });
});

describe('HTTP against hostile peers', () => {
  let peer: Peer;
  const options: ResolveOptions = { timeoutMs: 2000, maxBodyBytes: 32 * 1024, allowPrivate: true };
  const at = (path: string) => `http://127.0.0.1:${peer.port}${path}`;
  beforeAll(async () => {
    peer = await startHostileHttp();
  });
  afterAll(async () => peer?.close());

  it('stops after the hop limit (50 redirects)', async () => {
    const record = await resolveUrl(at('/hop/0/50'), options);
    expect(record.error).toEqual({ code: 'too-many-redirects', message: 'more than 20 hops' });
    expect(record.hops).toHaveLength(20);
  });

  it('follows 50 redirects when allowed to', async () => {
    const record = await resolveUrl(at('/hop/0/50'), { ...options, maxHops: 51 });
    expect(record.error).toBeUndefined();
    expect(record.hops).toHaveLength(51);
    expect(record.finalUrl).toBe(at('/hop/50/50'));
  });

  it('refuses a 100 KB Location header', async () => {
    const record = await resolveUrl(at('/big-location'), options);
    expect(record.error).toEqual({ code: 'header-too-large', message: 'response headers larger than the limit' });
  });

  it('reads an endless HTML body only up to the cap', async () => {
    const record = await resolveUrl(at('/endless-html'), options);
    expect(record.error).toBeUndefined();
    expect(record.hops[0]).toMatchObject({ bodyBytesRead: 32 * 1024, bodyTruncated: true });
  });

  it('does not read an endless media body', async () => {
    const record = await resolveUrl(at('/endless-media'), options);
    expect(record.error).toBeUndefined();
    expect(record.hops[0]).toMatchObject({ status: 200, contentType: 'video/mp4' });
  });

  it('times out on a server that never answers', async () => {
    const record = await resolveUrl(at('/silent'), { ...options, timeoutMs: 300 });
    expect(record.error?.code).toBe('timeout');
  });

  it('treats a page refreshing itself as final', async () => {
    const record = await resolveUrl(at('/self-refresh'), options);
    expect(record.error).toBeUndefined();
    expect(record.hops).toHaveLength(1);
  });

  it('reports a refused connection', async () => {
    const record = await resolveUrl('http://127.0.0.1:1/', options);
    expect(record.error?.code).toBe('connect-failed');
  });

  it.each([
    ['a NUL byte', 'http://127.0.0.1/a\u0000b', 'invalid-url'],
    ['a 1 MB URL', `http://127.0.0.1/${'a'.repeat(1 << 20)}`, 'url-too-long'],
  ])('refuses %s before any request', async (_, input, code) => {
    const record = await resolveUrl(input, options);
    expect(record.error?.code).toBe(code);
    expect(record.input.length).toBeLessThanOrEqual(2001);
  });

  it('goes through an HTTP CONNECT proxy', async () => {
    const proxy = await startConnectProxy();
    try {
      const record = await resolveUrl(at('/hop/0/1'), { ...options, proxy: `http://127.0.0.1:${proxy.port}` });
      expect(record.hops.map((hop) => [hop.status, hop.via, hop.port])).toEqual([
        [302, 'http-proxy', proxy.port],
        [200, 'http-proxy', proxy.port],
      ]);
      expect(proxy.tunnels).toEqual([`127.0.0.1:${peer.port}`, `127.0.0.1:${peer.port}`]);
    } finally {
      await proxy.close();
    }
  });

  it('goes through a SOCKS5 proxy, leaving name resolution to it', async () => {
    const socks = await startSocks5();
    try {
      const record = await resolveUrl(`http://hidden.onion:${peer.port}/hop/1/1`, { ...options, proxy: `socks5://127.0.0.1:${socks.port}` });
      expect(record.flags).toContain('onion');
      expect(record.dns).toBeUndefined();
      expect(record.hops[0]).toMatchObject({ status: 200, via: 'socks5', port: socks.port });
      expect(socks.destinations).toEqual([`hidden.onion:${peer.port}`]);
    } finally {
      await socks.close();
    }
  });
});
