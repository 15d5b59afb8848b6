import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHostingLookup, type GeoOptions } from '../../src/net/geo.js';
import type { ResolutionRecord } from '../../src/core/resolution.js';
import type { ResolveAddresses } from '../../src/net/hosting.js';
import { jsonLines, runVigie } from '../helpers/cli.js';
import { startHttpServer, startWhoisServers, type FakeHttpServer } from '../helpers/fake-servers.js';
import { writeMirroredBootstrap } from '../helpers/rdap-mirror.js';
import { sharedPath } from '../helpers/shared.js';

const net = sharedPath('reference/net');

const noResolve: ResolveAddresses = async () => {
  throw new Error('resolver must not be called');
};

describe.skipIf(!net)('hosting lookup: GeoIP + RDAP + WHOIS combined, cache, CLI', () => {
  let rdap: FakeHttpServer;
  let whois: Awaited<ReturnType<typeof startWhoisServers>>;
  let work: string;
  let base: GeoOptions;

  beforeAll(async () => {
    const btRdap = readFileSync(join(net as string, 'rdap/responses/ipwhois_ripe_ip_62.239.237.1.json'), 'utf8');
    const bootstrapSource = join(net as string, 'rdap/bootstrap');
    rdap = await startHttpServer((request, response) => {
      const path = request.url ?? '';
      if (path.startsWith('/ripe/ip/62.239.237.')) response.end(btRdap);
      else if (path.startsWith('/iana/')) response.end(readFileSync(join(bootstrapSource, path.slice('/iana/'.length))));
      else {
        response.writeHead(404);
        response.end();
      }
    });
    whois = await startWhoisServers({
      'whois.iana.org': { '62.239.237.1': 'inetnum: 62.0.0.0 - 62.255.255.255\nrefer: whois.ripe.net\n' },
      'whois.ripe.net': { '62.239.237.1': readFileSync(join(net as string, 'whois/ipwhois_ripe_62.239.237.1.txt'), 'latin1') },
    });
    work = await mkdtemp(join(tmpdir(), 'vigie-hosting-'));
    await writeMirroredBootstrap(join(work, 'bootstrap'), rdap.base);
    base = { bootstrapDir: join(work, 'bootstrap'), whoisServers: whois.servers, rateLimitMs: 0, timeoutMs: 5000 };
  });
  afterAll(async () => {
    await rdap?.close();
    await whois?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('cross-check: RDAP vCard and WHOIS abuse-mailbox disagree for BT, and the record says so', async () => {
    const resolve: ResolveAddresses = async (name) => ({ name, cnameChain: [], addresses: [{ address: '62.239.237.1', family: 4, ttl: 60 }] });
    const lookup = await createHostingLookup({ ...base, cacheDir: false, crossCheck: true, resolve });
    const info = await lookup.lookup('http://bt.example/x.jpg');
    await lookup.close();
    expect(info).toMatchObject({ kind: 'url', host: 'bt.example', registrableDomain: 'bt.example', registryDomain: 'bt.example' });
    expect(info.observedAt).toMatch(/Z$/);
    expect(info.producer).toMatchObject({ tool: expect.stringMatching(/^vigie /), geoip: [{ source: 'geoip:dbip-country.mmdb', buildDate: expect.stringMatching(/^20\d\d-/) }] });
    const [address] = info.addresses;
    expect(address).toMatchObject({ address: '62.239.237.1', countrySource: 'geoip:dbip-country.mmdb' });
    expect(address.network).toMatchObject({ name: 'BT-CORPORATE', source: 'rdap:ripe', country: 'GB' });
    const emails = info.abuseContacts.map((c) => c.email);
    expect(emails).toEqual(expect.arrayContaining(['zzdnsr@bt.com', 'protect@bt.com']));
    expect(info.abuseContacts.find((c) => c.email === 'protect@bt.com')?.provenance).toContain('whois:whois.ripe.net % Abuse contact');
    expect(info.disagreements).toContainEqual({
      field: 'abuse-email',
      values: expect.arrayContaining([
        { value: 'zzdnsr@bt.com', source: 'rdap:ripe entity BTCR3-RIPE' },
        { value: 'protect@bt.com', source: 'whois:whois.ripe.net % Abuse contact' },
      ]),
    });
    expect(info.credits).toEqual(['IP geolocation by DB-IP (https://db-ip.com), CC BY 4.0']);
  });

  it('reads vigie resolve records: finalUrl and finalAddresses, without resolving again', async () => {
    const lookup = await createHostingLookup({ ...base, cacheDir: false, whois: false, resolve: noResolve });
    const record: ResolutionRecord = {
      input: 'x', url: 'http://a.example/', flags: [], hops: [], finalUrl: 'https://bt.example/p',
      finalAddresses: [{ address: '62.239.237.9', family: 4, ttl: 60, scope: 'public' }], observedAt: '2026-01-01T00:00:00.000Z', producer: { tool: 'vigie' },
    };
    const info = await lookup.lookup(record);
    await lookup.close();
    expect(info.target).toBe('https://bt.example/p');
    expect(info.addresses.map((a) => a.address)).toEqual(['62.239.237.9']);
    expect(info.abuseContacts[0]).toMatchObject({ email: 'zzdnsr@bt.com', provenance: ['rdap:ripe entity BTCR3-RIPE'] });
  });

  it('many addresses of one network at once: one RDAP request; a second run with the disk cache: none', async () => {
    const cacheDir = join(work, 'cache');
    const before = rdap.requests.length;
    const first = await createHostingLookup({ ...base, cacheDir, whois: false, resolve: noResolve });
    const addresses = Array.from({ length: 20 }, (_, i) => `62.239.237.${i + 10}`);
    const infos = await Promise.all(addresses.map((address) => first.lookup(address)));
    await first.close();
    expect(infos.every((info) => info.addresses[0].network?.name === 'BT-CORPORATE')).toBe(true);
    expect(rdap.requests.length - before).toBe(1);
    const files = await readdir(join(cacheDir, 'rdap-ip'));
    expect(files).toHaveLength(1);
    expect(JSON.parse(await readFile(join(cacheDir, 'rdap-ip', files[0]), 'utf8')).range).toEqual({ first: '62.239.237.0', last: '62.239.237.255' });

    const second = await createHostingLookup({ ...base, cacheDir, whois: false, resolve: noResolve });
    const warm = await second.lookup('62.239.237.200');
    await second.close();
    expect(warm.lookups.find((l) => l.source === 'rdap:ripe')).toMatchObject({ status: 'ok', cached: true });
    expect(rdap.requests.length - before).toBe(1);
  });

  it('bad targets give an error record and the others go on', async () => {
    const lookup = await createHostingLookup({ ...base, cacheDir: false, rdap: false, whois: false, resolve: noResolve });
    const bad = await lookup.lookup('not a target');
    const good = await lookup.lookup('[2001:db8::1]');
    await lookup.close();
    expect(bad.error?.code).toBe('bad-target');
    expect(good).toMatchObject({ kind: 'ip', addresses: [{ address: '2001:db8::1', family: 6 }] });
  });

  it('vigie geo (CLI): jsonl records, exit 3 with an error record for a bad target', async () => {
    const serverArgs = Object.entries(whois.servers).flatMap(([name, address]) => ['--whois-server', `${name}=${address}`]);
    const result = await runVigie(['geo', '62.239.237.1', 'exa mple', '--bootstrap-dir', base.bootstrapDir as string, ...serverArgs, '--no-cache', '--rate-limit', '0', '-f', 'jsonl']);
    expect(result.code).toBe(3);
    const [bt, bad] = jsonLines<{ abuseContacts: { email: string }[]; error?: { code: string } }>(result.stdout);
    expect(bt.abuseContacts[0].email).toBe('zzdnsr@bt.com');
    expect(bad.error?.code).toBe('bad-target');
    expect(result.stderr).toContain('1 of 2 targets could not be located');
  });

  it('vigie geo --update-bootstrap downloads, checks and replaces the bootstrap files', async () => {
    const target = join(work, 'fresh-bootstrap');
    const result = await runVigie(['geo', '--update-bootstrap', '--bootstrap-url', `${rdap.base}/iana/`, '--bootstrap-dir', target]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('dns.json: 610 services, published 2024-11-20T17:00:02Z');
    expect((await readdir(target)).sort()).toEqual(['asn.json', 'dns.json', 'ipv4.json', 'ipv6.json', 'object-tags.json']);
  });
});
