import { createServer, type Server } from 'node:http';
import * as dnsPacket from 'dns-packet';
import type { Packet } from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lookupRecords, resolveAddresses, reverseName } from '../../src/net/dns.js';
import { findBinary, startDnsmasq, type RunningServer } from '../helpers/servers.js';
import { answer, startFakeDns, type FakeDns } from './fake-dns.js';

const dnsmasq = findBinary('dnsmasq', 'dnsmasq-base');
const FAST = { timeoutMs: 400, retries: 0 };

describe.skipIf(!dnsmasq)('DNS against dnsmasq', () => {
  let server: RunningServer;
  let resolver: string;
  beforeAll(async () => {
    server = await startDnsmasq(dnsmasq as string, [
      '--local=/hotline-test.example/',
      '--host-record=www.hotline-test.example,192.0.2.10,2001:db8::10',
      '--address=/cdn.hotline-test.example/192.0.2.20',
      '--cname=alias.hotline-test.example,www.hotline-test.example',
      '--cname=alias2.hotline-test.example,alias.hotline-test.example',
      '--mx-host=hotline-test.example,mail.hotline-test.example,10',
      '--txt-record=hotline-test.example,v=spf1 -all',
      '--ptr-record=10.2.0.192.in-addr.arpa,www.hotline-test.example',
    ]);
    resolver = `${server.host}:${server.port}`;
  });
  afterAll(async () => server?.stop());

  it('resolves A and AAAA', async () => {
    const result = await resolveAddresses('www.hotline-test.example', { resolver, ...FAST });
    expect(result).toEqual({
      name: 'www.hotline-test.example',
      cnameChain: [],
      addresses: [
        { address: '192.0.2.10', family: 4, ttl: 0 },
        { address: '2001:db8::10', family: 6, ttl: 0 },
      ],
    });
  });

  it('follows a CNAME chain', async () => {
    const result = await resolveAddresses('Alias2.Hotline-Test.Example.', { resolver, ...FAST });
    expect(result.cnameChain).toEqual(['alias.hotline-test.example', 'www.hotline-test.example']);
    expect(result.addresses.map((a) => a.address)).toEqual(['192.0.2.10', '2001:db8::10']);
  });

  it('answers wildcard subdomains', async () => {
    const result = await resolveAddresses('deep.x.cdn.hotline-test.example', { resolver, ...FAST });
    expect(result.addresses).toEqual([{ address: '192.0.2.20', family: 4, ttl: expect.any(Number) }]);
  });

  it('reports NXDOMAIN and REFUSED as results', async () => {
    expect((await resolveAddresses('nope.hotline-test.example', { resolver, ...FAST })).error?.code).toBe('dns-nxdomain');
    expect((await resolveAddresses('example.org', { resolver, ...FAST })).error?.code).toBe('dns-refused');
  });

  it('collects MX of the zone and PTR of each address', async () => {
    const records = await lookupRecords('alias.hotline-test.example', 'hotline-test.example', { resolver, ...FAST });
    expect(records.mx).toEqual([{ exchange: 'mail.hotline-test.example', preference: 10, ttl: expect.any(Number) }]);
    expect(records.addresses[0]).toMatchObject({ address: '192.0.2.10', scope: 'reserved', ptr: ['www.hotline-test.example'] });
    expect(records.cnameChain).toEqual(['www.hotline-test.example']);
  });

  it('accepts an IP literal without asking', async () => {
    expect((await resolveAddresses('[::1]', { resolver: '127.0.0.1:1', ...FAST })).addresses).toEqual([{ address: '::1', family: 6, ttl: 0 }]);
  });
});

function aRecords(query: Packet, count: number): Buffer {
  const name = query.questions?.[0].name as string;
  return answer(query, {
    answers: Array.from({ length: count }, (_, i) => ({ type: 'A' as const, name, ttl: 60, data: `10.0.${i >> 8}.${i & 255}` })),
  });
}

/** A reply whose answer name is a compression pointer to itself. */
function pointerLoop(query: Packet): Buffer {
  const header = answer(query, {});
  const head = Buffer.from(header);
  head.writeUInt16BE(1, 6);
  const offset = head.length;
  const record = Buffer.from([0xc0 | (offset >> 8), offset & 0xff, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 0, 1]);
  return Buffer.concat([head, record]);
}

describe('DNS against a hostile server', () => {
  let fake: FakeDns;
  let resolver: string;
  beforeAll(async () => {
    fake = await startFakeDns();
    resolver = `${fake.host}:${fake.port}`;
  });
  afterAll(async () => fake?.close());
  const ask = () => resolveAddresses('victim.test', { resolver, ...FAST });
  const onlyA = (reply: (query: Packet) => Buffer | undefined) =>
    fake.behave((query) => (query.questions?.[0].type === 'A' ? reply(query) : answer(query, {})));

  it('falls back to TCP when the UDP reply is truncated', async () => {
    fake.behave((query, _raw, transport) =>
      transport === 'udp' ? answer(query, { flags: dnsPacket.TRUNCATED_RESPONSE }) : query.questions?.[0].type === 'A' ? aRecords(query, 3) : answer(query, {}),
    );
    expect((await ask()).addresses.map((a) => a.address)).toEqual(['10.0.0.0', '10.0.0.1', '10.0.0.2']);
  });

  it('discards a reply with the wrong ID', async () => {
    onlyA((query) => aRecords({ ...query, id: (query.id! + 1) % 65536 }, 1));
    expect((await ask()).error).toEqual({ code: 'dns-mismatch', message: 'only replies with a wrong ID came back' });
  });

  it('discards a reply to another question', async () => {
    onlyA((query) => aRecords({ ...query, questions: [{ name: 'other.test', type: 'A', class: 'IN' }] }, 1));
    expect((await ask()).error?.code).toBe('dns-mismatch');
  });

  it('discards a reply from another source port', async () => {
    onlyA((query) => aRecords(query, 1));
    fake.spoofSource(true);
    try {
      expect((await ask()).error?.code).toBe('dns-timeout');
    } finally {
      fake.spoofSource(false);
    }
  });

  it('survives truncated garbage', async () => {
    // A plausible header (our ID, response, 1 question, 1 answer) followed by bytes that end mid-record.
    onlyA((query) => Buffer.concat([Buffer.from([query.id! >> 8, query.id! & 255, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0]), Buffer.from([7, 0x67, 0x61])]));
    expect((await ask()).error?.code).toBe('dns-malformed-reply');
  });

  it('times out on silence, with retries', async () => {
    let queries = 0;
    fake.behave(() => {
      queries++;
      return undefined;
    });
    const result = await resolveAddresses('victim.test', { resolver, timeoutMs: 200, retries: 2 });
    expect(result.error).toEqual({ code: 'dns-timeout', message: `no reply from ${resolver} within 200 ms` });
    expect(queries).toBe(6);
  });

  it('refuses a reply with 500 records', async () => {
    onlyA((query) => aRecords(query, 500));
    expect((await ask()).error).toEqual({ code: 'dns-too-many-records', message: 'reply announces 501 records (limit 100)' });
  });

  it('refuses a compression-pointer loop', async () => {
    onlyA(pointerLoop);
    expect((await ask()).error).toMatchObject({ code: 'dns-malformed-reply', message: expect.stringContaining('pointer') });
  });

  it('reports SERVFAIL as a result', async () => {
    fake.behave((query) => answer(query, { flags: 2 })); // rcode 2 = SERVFAIL, in the low bits of the flags
    expect((await ask()).error?.code).toBe('dns-servfail');
  });

  it('stops a CNAME loop', async () => {
    fake.behave((query) =>
      answer(query, {
        answers: [
          { type: 'CNAME', name: 'victim.test', ttl: 1, data: 'b.test' },
          { type: 'CNAME', name: 'b.test', ttl: 1, data: 'victim.test' },
        ],
      }),
    );
    expect((await ask()).error?.code).toBe('dns-cname-loop');
  });
});

describe('DNS over HTTPS (RFC 8484 wire format)', () => {
  let server: Server;
  let url: string;
  const seen: string[] = [];
  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        seen.push(`${request.method} ${request.headers['content-type']}`);
        const query = dnsPacket.decode(Buffer.concat(chunks));
        const reply = query.questions?.[0].type === 'A' ? aRecords(query, 1) : answer(query, {});
        response.writeHead(200, { 'content-type': 'application/dns-message' }).end(reply);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/dns-query`;
  });
  afterAll(async () => new Promise((resolve) => server?.close(resolve)));

  it('resolves through a DoH endpoint', async () => {
    const result = await resolveAddresses('doh.test', { resolver: url, ...FAST });
    expect(result.addresses).toEqual([{ address: '10.0.0.0', family: 4, ttl: 60 }]);
    expect(seen[0]).toBe('POST application/dns-message');
  });
});

describe('reverse names', () => {
  it.each([
    ['192.0.2.10', '10.2.0.192.in-addr.arpa'],
    ['2001:db8::1', '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa'],
  ])('%s → %s', (address, name) => expect(reverseName(address)).toBe(name));
});
