import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rankContacts } from '../../src/net/hosting.js';
import { LookupCache } from '../../src/net/cache.js';
import { RateLimiter } from '../../src/net/rate-limit.js';
import { RdapBootstrap } from '../../src/net/rdap-bootstrap.js';
import { RdapClient } from '../../src/net/rdap.js';
import { startHttpServer, type FakeHttpServer } from '../helpers/fake-servers.js';
import { routeKey, writeMirroredBootstrap } from '../helpers/rdap-mirror.js';
import { sharedPath } from '../helpers/shared.js';

const dir = sharedPath('reference/net/rdap/responses');

/** Mirror route → recorded answer (or a redirect, to play ARIN sending a RIPE address on). */
const ROUTES: Record<string, string | { redirect: string } | { status: number; file: string }> = {
  'rdap.verisign.com domain/google.com': 'whoisit_verisign_domain_google.com.json',
  'rdap.markmonitor.com domain/GOOGLE.COM': 'whoisit-cassette_markmonitor_domain_google.com.json',
  'rdap.norid.no domain/norway.no': 'whoisit_norid_domain_norway.no.json',
  'rdap.nic.fr domain/afnic.fr': 'icann-rdap_afnic_domain_afnic.fr.json',
  'rdap.nic.fr domain/lemonde.fr': 'icann-rdap_afnic_domain_lemonde.fr.json',
  'whois.uniregistry.net domain/microsoft.click': 'icann-rdap_click_domain_microsoft.click.json',
  'rdap.nic.cz domain/example.cz': 'openrdap_cznic_domain_example.cz.json',
  'arin autnum/13335': 'whoisit_arin_autnum_AS13335.json',
  'arin autnum/16509': 'icann-rdap_arin_autnum_AS16509.json',
  'arin ip/13.64.0.0': 'whoisit_arin_ip_13.64.0.0.json',
  'arin ip/192.198.0.0': 'icann-rdap_arin_ip_192.198.0.0.json',
  'arin ip/74.125.225.229': 'ipwhois_arin_ip_74.125.225.229.json',
  'arin ip/130.59.31.80': { redirect: '/ripe/ip/130.59.31.80' },
  'ripe ip/130.59.31.80': 'whoisit_ripe_ip_130.59.31.80.json',
  'ripe ip/62.239.237.1': 'ipwhois_ripe_ip_62.239.237.1.json',
  'apnic ip/1.1.1.1': 'whoisit_apnic_ip_1.1.1.1.json',
  'apnic ip/210.107.73.73': 'ipwhois_apnic_ip_210.107.73.73.json',
  'lacnic ip/200.57.141.161': 'ipwhois_lacnic_ip_200.57.141.161.json',
  'afrinic ip/196.11.240.215': 'ipwhois_afrinic_ip_196.11.240.215.json',
  'ripe ip/193.0.0.1': { status: 501, file: 'icann-rdap_ripe_error.json' },
};

/** Each network case: query → [abuse emails in rank order (role basis), name, start, end, country, holder]. */
const NETWORKS: [string, string[], string, string, string, string, string | undefined][] = [
  ['13.64.0.0', ['abuse@microsoft.com'], 'MSFT', '13.64.0.0', '13.107.255.255', 'United States', 'Microsoft Corporation'],
  ['192.198.0.0', ['daniel.petsinger@radiolinkinternet.com'], 'RADIOLINK-ARIN-1', '192.198.0.0', '192.198.3.255', 'United States', 'Radio Link Internet'],
  ['74.125.225.229', ['arin-contact@google.com'], 'GOOGLE', '74.125.0.0', '74.125.255.255', 'UNITED STATES', 'Google Inc.'],
  ['130.59.31.80', ['abuse@switch.ch'], 'SWITCH-LAN', '130.59.0.0', '130.59.255.255', 'CH', undefined],
  ['62.239.237.1', ['zzdnsr@bt.com', 'steve.a.marshall@bt.com', 'lee.bailey-hague@bt.com'], 'BT-CORPORATE', '62.239.237.0', '62.239.237.255', 'GB', undefined],
  ['1.1.1.1', ['helpdesk@apnic.net'], 'APNIC-LABS', '1.1.1.0', '1.1.1.255', 'AU', undefined],
  ['210.107.73.73', ['hostmaster@nic.or.kr'], 'BORANET-NET-210-107', '210.107.0.0', '210.107.127.255', 'KR', undefined],
  ['200.57.141.161', ['operacion.redes@triara.com'], 'Triara.com, S.A. de C.V.', '200.57.141.161', '200.57.141.161', 'MX', 'Triara.com, S.A. de C.V.'],
  ['196.11.240.215', [], 'ORG-VSA1-AFRINIC', '196.11.239.0', '196.11.246.255', 'ZA', undefined],
];

describe.skipIf(!dir)('RDAP against recorded answers served on loopback (rdap/responses/README.md)', () => {
  let server: FakeHttpServer;
  let work: string;
  let client: RdapClient;

  beforeAll(async () => {
    server = await startHttpServer((request, response) => {
      const route = ROUTES[routeKey(request.url ?? '')];
      if (!route) {
        response.writeHead(404, { 'content-type': 'application/rdap+json' });
        response.end(JSON.stringify({ errorCode: 404, title: 'Not Found' }));
      } else if (typeof route === 'object' && 'redirect' in route) {
        response.writeHead(301, { location: `${server.base}${route.redirect}` });
        response.end();
      } else {
        const file = typeof route === 'string' ? route : route.file;
        // The registry's `related` link is rewritten to the mirror, as the bootstrap is.
        const body = readFileSync(join(dir as string, file), 'utf8').replaceAll('https://rdap.markmonitor.com/', `${server.base}/rdap.markmonitor.com/`);
        response.writeHead(typeof route === 'string' ? 200 : route.status, { 'content-type': 'application/rdap+json' });
        response.end(body);
      }
    });
    work = await mkdtemp(join(tmpdir(), 'vigie-rdap-'));
    await writeMirroredBootstrap(join(work, 'bootstrap'), server.base);
    client = new RdapClient({
      bootstrap: await RdapBootstrap.load(join(work, 'bootstrap')),
      cache: new LookupCache(undefined),
      rateLimiter: new RateLimiter(() => 0),
      timeoutMs: 5000,
    });
  });
  afterAll(async () => {
    await client?.close();
    await server?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it.each(NETWORKS)('ip %s: abuse %j, network %s', async (ip, abuse, name, start, end, country, holder) => {
    const answer = await client.ip(ip);
    const facts = answer!.facts;
    const contacts = rankContacts(facts.contacts);
    expect(contacts.filter((c) => c.basis === 'role').map((c) => c.email)).toEqual(abuse);
    expect(facts.network).toMatchObject({ name, startAddress: start, endAddress: end, country });
    expect(facts.network?.holder).toBe(holder);
  });

  it('provenance names the registry and the entity handle; ARIN → RIPE redirect followed', async () => {
    const switchLan = (await client.ip('130.59.31.80'))!;
    expect(switchLan.facts.source).toBe('rdap:ripe');
    expect(switchLan.facts.contacts[0].provenance).toEqual(['rdap:ripe entity AR31930-RIPE']);
    const microsoft = (await client.ip('13.64.0.0'))!;
    expect(rankContacts(microsoft.facts.contacts)[0]).toMatchObject({ email: 'abuse@microsoft.com', party: 'host', basis: 'role', provenance: expect.arrayContaining(['rdap:arin entity MAC74-ARIN']) });
  });

  it('remarks: AFRINIC abuse address only in a remark; APNIC remark adds the Cloudflare resolver address', async () => {
    const afrinic = rankContacts((await client.ip('196.11.240.215'))!.facts.contacts);
    expect(afrinic).toEqual([expect.objectContaining({ email: 'abuse@mtnbusiness.co.za', basis: 'remark', provenance: ['rdap:afrinic remarks'] })]);
    const apnic = rankContacts((await client.ip('1.1.1.1'))!.facts.contacts);
    expect(apnic.map((c) => [c.email, c.basis])).toEqual([['helpdesk@apnic.net', 'role'], ['resolver-abuse@cloudflare.com', 'remark']]);
  });

  it('a second address of a network already fetched is answered from the cache, without a request', async () => {
    await client.ip('74.125.225.229');
    const before = server.requests.length;
    const other = await client.ip('74.125.1.2');
    expect(other?.cached).toBe(true);
    expect(other?.facts.network?.name).toBe('GOOGLE');
    expect(server.requests.length).toBe(before);
  });

  it.each([
    [13335, 'abuse@cloudflare.com', 'ABUSE2916-ARIN', 'CLOUDFLARENET', 'Cloudflare, Inc.'],
    [16509, 'abuse@amazonaws.com', 'AEA8-ARIN', 'AMAZON-02', 'Amazon.com, Inc.'],
  ])('autnum AS%i: abuse %s (%s), %s, holder %s', async (asn, email, handle, name, holder) => {
    const facts = (await client.autnum(asn))!.facts;
    const contacts = rankContacts(facts.contacts);
    expect(contacts[0]).toMatchObject({ email, basis: 'role', provenance: expect.arrayContaining([`rdap:arin entity ${handle}`]) });
    expect(contacts.filter((c) => c.basis === 'role').map((c) => c.email)).toEqual([email]);
    expect(facts.autnum).toMatchObject({ asn, name, holder, country: 'United States' });
  });

  it('Verisign thin registry → registrar through the related link: MarkMonitor abuse, registrant Google LLC', async () => {
    const answer = (await client.domain('google.com'))!;
    expect(answer.registry.facts.domain).toMatchObject({ handle: '2138514_DOMAIN_COM-VRSN', registrar: 'MarkMonitor Inc.', registrarIanaId: '292' });
    expect(answer.registry.facts.domain?.registrant).toBeUndefined();
    expect(answer.registry.facts.contacts).toEqual([
      expect.objectContaining({ email: 'abusecomplaints@markmonitor.com', party: 'registrar', basis: 'role', provenance: ['rdap.verisign.com entity 292/abuse'].map((p) => `rdap:${p}`) }),
    ]);
    expect(answer.registrar?.facts.domain).toMatchObject({ registrant: 'Google LLC', registrantCountry: 'US' });
    expect(answer.registrar?.facts.contacts[0]?.email).toBe('abusecomplaints@markmonitor.com');
    expect(server.requests).toContain('/rdap.markmonitor.com/rdap/domain/GOOGLE.COM');
  });

  it.each([
    ['microsoft.click', ['abusecomplaints@markmonitor.com'], 'Microsoft Corporation', 'US', 'MarkMonitor Inc.'],
    ['afnic.fr', [], 'ASS FRANC NOMMAGE INTERNET EN COOP', 'FR', undefined],
    ['lemonde.fr', [], 'SOCIETE EDITRICE DU MONDE', 'FR', 'NAMESHIELD'],
    ['norway.no', [], undefined, undefined, 'Domeneshop AS'],
    ['example.cz', [], 'SB:EXAMPLE', undefined, 'REG-INTERNET-CZ'],
  ])('domain %s: abuse %j, registrant %s (%s), registrar %s', async (name, abuse, registrant, country, registrar) => {
    const facts = (await client.domain(name))!.registry.facts;
    expect(facts.contacts.filter((c) => c.basis === 'role').map((c) => c.email)).toEqual(abuse);
    expect(facts.domain?.registrant).toBe(registrant);
    expect(facts.domain?.registrantCountry).toBe(country);
    if (registrar) expect(facts.domain?.registrar).toBe(registrar);
  });

  it('registries without an abuse role: the registrar general address is the fallback (AFNIC, Norid)', async () => {
    const afnic = (await client.domain('afnic.fr'))!.registry.facts.contacts;
    expect(afnic).toEqual([expect.objectContaining({ email: 'support@afnic.fr', party: 'registrar', basis: 'contact' })]);
    const norid = (await client.domain('norway.no'))!.registry.facts;
    expect(norid.contacts.map((c) => c.email)).toEqual(['kundeservice@domeneshop.no']);
    expect(norid.domain?.registrarCountry).toBe('NORWAY');
  });

  it('not found is reported as not found; a registry error as a one-line error', async () => {
    expect((await client.domain('u34jedzcq.com'))!.registry.facts.notFound).toBe(true);
    await expect(client.ip('193.0.0.1')).rejects.toMatchObject({ code: 'rdap-error', message: expect.stringMatching(/501.*Nameserver not supported/) });
  });
});
