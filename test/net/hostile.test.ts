import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LookupCache } from '../../src/net/cache.js';
import { RateLimiter } from '../../src/net/rate-limit.js';
import { RdapBootstrap } from '../../src/net/rdap-bootstrap.js';
import { RdapClient } from '../../src/net/rdap.js';
import { WhoisClient } from '../../src/net/whois.js';
import { startHttpServer, startWhoisServer, type FakeHttpServer, type FakeWhoisServer } from '../helpers/fake-servers.js';
import { writeMirroredBootstrap } from '../helpers/rdap-mirror.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TIMEOUT_MS = 800;

describe('hostile WHOIS servers', () => {
  const servers: FakeWhoisServer[] = [];
  let client: WhoisClient;
  const iana = (refer: string) => `refer: ${refer}\n`;

  beforeAll(async () => {
    const start = async (respond: Parameters<typeof startWhoisServer>[0]) => {
      const server = await startWhoisServer(respond);
      servers.push(server);
      return server.address;
    };
    const ianaServer = await start((query, socket) => {
      const target = { '10.0.0.1': 'silent.test', '10.0.0.2': 'flood.test', '10.0.0.3': 'self.test', '10.0.0.4': 'ping.test' }[query];
      socket.end(iana(target ?? 'none.test'));
    });
    // Sends a line and then nothing, never closing.
    const silent = await start((_query, socket) => socket.write('% still thinking\n'));
    // Sends 50 MB, as fast as the client reads it.
    const flood = await start((_query, socket) => {
      const chunk = Buffer.alloc(64 * 1024, 'x');
      let sent = 0;
      const pump = () => {
        while (sent < 50 * 1024 * 1024 && !socket.destroyed) {
          sent += chunk.length;
          if (!socket.write(chunk)) return socket.once('drain', pump);
        }
        socket.end();
      };
      pump();
    });
    const self = await start((_query, socket) => socket.end('ReferralServer: whois://self.test\n'));
    const ping = await start((_query, socket) => socket.end('ReferralServer: whois://pong.test:43\n'));
    const pong = await start((_query, socket) => socket.end('ReferralServer: whois://ping.test\n'));
    client = new WhoisClient({
      cache: new LookupCache(undefined),
      rateLimiter: new RateLimiter(() => 0),
      servers: { 'whois.iana.org': ianaServer, 'silent.test': silent, 'flood.test': flood, 'self.test': self, 'ping.test': ping, 'pong.test': pong },
      timeoutMs: TIMEOUT_MS,
    });
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });

  it('a server that never closes: timeout error', async () => {
    await expect(client.ip('10.0.0.1')).rejects.toMatchObject({ code: 'timeout', message: expect.stringContaining('silent.test') });
  });

  it('a server that sends 50 MB: cut off at the size cap', async () => {
    await expect(client.ip('10.0.0.2')).rejects.toMatchObject({ code: 'too-large' });
  });

  it('a server that refers to itself, and two that refer to each other: referral-loop error', async () => {
    await expect(client.ip('10.0.0.3')).rejects.toMatchObject({ code: 'referral-loop' });
    await expect(client.ip('10.0.0.4')).rejects.toMatchObject({ code: 'referral-loop', message: expect.stringContaining('ping.test') });
  });
});

describe('hostile RDAP servers', () => {
  let server: FakeHttpServer;
  let work: string;
  let client: RdapClient;

  beforeAll(async () => {
    server = await startHttpServer((request, response) => {
      const path = request.url ?? '';
      if (path.endsWith('/ip/1.0.0.1')) response.end('{"objectClassName": "ip network", "name": ');
      else if (path.endsWith('/ip/1.0.0.2')) {
        // 20 MB without a Content-Length: the cap must hold while reading.
        response.writeHead(200, { 'content-type': 'application/rdap+json' });
        const chunk = `"${'x'.repeat(1024 * 1024)}",`;
        response.write('[');
        for (let i = 0; i < 20; i++) response.write(chunk);
        response.end('0]');
      } else if (path.endsWith('/ip/1.0.0.3')) {
        response.writeHead(200, { 'content-length': String(20 * 1024 * 1024) });
        response.end('{}');
      } else if (path.endsWith('/ip/1.0.0.4')) response.end(`${'['.repeat(10_000)}${']'.repeat(10_000)}`);
      else if (path.endsWith('/ip/1.0.0.5')) response.write('{');
      else {
        response.writeHead(404);
        response.end();
      }
    });
    work = await mkdtemp(join(tmpdir(), 'vigie-hostile-'));
    await writeMirroredBootstrap(work, server.base);
    client = new RdapClient({
      bootstrap: await RdapBootstrap.load(work),
      cache: new LookupCache(undefined),
      rateLimiter: new RateLimiter(() => 0),
      timeoutMs: TIMEOUT_MS,
    });
  });
  afterAll(async () => {
    await client?.close();
    await server?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('invalid JSON: invalid-json error', async () => {
    await expect(client.ip('1.0.0.1')).rejects.toMatchObject({ code: 'invalid-json' });
  });

  it('20 MB answer, streamed or declared: too-large error', async () => {
    await expect(client.ip('1.0.0.2')).rejects.toMatchObject({ code: 'too-large' });
    await expect(client.ip('1.0.0.3')).rejects.toMatchObject({ code: 'too-large' });
  });

  it('JSON nested 10,000 deep: too-deep error before parsing', async () => {
    await expect(client.ip('1.0.0.4')).rejects.toMatchObject({ code: 'too-deep' });
  });

  it('an answer that never ends: timeout error', async () => {
    await expect(client.ip('1.0.0.5')).rejects.toMatchObject({ code: 'timeout' });
  });
});
