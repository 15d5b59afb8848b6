import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LookupCache } from '../../src/net/cache.js';
import { HostingLookup } from '../../src/net/hosting.js';
import { RateLimiter } from '../../src/net/rate-limit.js';
import { WhoisClient } from '../../src/net/whois.js';
import { startWhoisServers } from '../helpers/fake-servers.js';
import { sharedPath } from '../helpers/shared.js';

const dir = sharedPath('reference/net/whois');
const file = (name: string) => readFileSync(join(dir as string, name), 'latin1');

/** What IANA says for an address block or a TLD: which server to ask next. */
function iana(refer: string, firstOctet?: number): string {
  const block = firstOctet === undefined ? '' : `inetnum:      ${firstOctet}.0.0.0 - ${firstOctet}.255.255.255\n`;
  return `% IANA WHOIS server\n\n${block}refer:        ${refer}\n\nsource:       IANA\n`;
}

/** A thin-registry answer made up for the registrar files that were recorded without their registry's answer. */
const thin = (domain: string, registrar: string) => `   Domain Name: ${domain.toUpperCase()}\r\n   Registrar WHOIS Server: ${registrar}\r\n`;

describe.skipIf(!dir)('WHOIS against recorded answers served on loopback (whois/README.md)', () => {
  let fake: Awaited<ReturnType<typeof startWhoisServers>>;
  let lookup: HostingLookup;

  beforeAll(async () => {
    fake = await startWhoisServers({
      'whois.iana.org': {
        '62.239.237.1': iana('whois.ripe.net', 62),
        '74.125.225.229': iana('whois.arin.net', 74),
        '130.66.76.222': iana('whois.arin.net', 130),
        '144.134.121.81': iana('whois.arin.net', 144),
        '210.107.73.73': iana('whois.apnic.net', 210),
        '200.57.141.161': iana('whois.lacnic.net', 200),
        '196.11.240.215': iana('whois.afrinic.net', 196),
        '192.0.2.1': iana('whois.arin.net', 192),
        com: iana('whois.verisign-grs.com'),
        net: iana('whois.verisign-grs.com'),
        fr: iana('whois.nic.fr'),
        org: iana('whois.publicinterestregistry.org'),
        de: iana('whois.denic.de'),
        ru: iana('whois.tcinet.ru'),
        nl: iana('whois.domain-registry.nl'),
      },
      'whois.ripe.net': {
        '62.239.237.1': file('ipwhois_ripe_62.239.237.1.txt'),
        '130.66.76.222': file('weppos_ripe_128.79.x.txt'),
      },
      'whois.arin.net': {
        'n + 74.125.225.229': file('ipwhois_arin_74.125.225.229.txt'),
        'n + 130.66.76.222': file('weppos_arin_referral-ripe_130.66.x.txt'),
        'n + 144.134.121.81': file('weppos_arin_referral-apnic_144.134.121.81.txt'),
        'n + 192.0.2.1': 'NetRange: 192.0.2.0 - 192.0.2.255\nNetName: TEST-NET\n\nReferralServer: rwhois://rwhois.example.net:4321\n',
      },
      'whois.apnic.net': {
        '210.107.73.73': file('ipwhois_apnic_210.107.73.73.txt'),
        // No APNIC answer for 144.134.121.81 was recorded; another APNIC answer stands in for the referral target.
        '144.134.121.81': file('ipwhois_apnic_210.107.73.73.txt'),
      },
      'whois.lacnic.net': { '200.57.141.161': file('ipwhois_lacnic_200.57.141.161.txt') },
      'whois.afrinic.net': { '196.11.240.215': file('ipwhois_afrinic_196.11.240.215.txt') },
      'whois.verisign-grs.com': {
        'domain google.com': file('weppos_verisign_com_google.com.txt'),
        'domain google.net': file('weppos_verisign_net_registered.txt'),
        'domain urlowl.com': file('pywhois_urlowl.com.txt'),
        'domain weppos.com': file('weppos_verisign_com_referral.txt'),
        'domain u34jedzcq.com': file('weppos_verisign_com_notfound.txt'),
        'domain dynadot.com': thin('dynadot.com', 'whois.dynadot.com'),
        'domain he.net': thin('he.net', 'whois.networksolutions.com'),
      },
      'whois.markmonitor.com': { 'google.com': readFileSync(join(dir as string, 'likexian_com_google.com.txt'), 'utf8') },
      'whois.dynadot.com': { 'dynadot.com': file('likexian_com_dynadot.com.txt') },
      'whois.networksolutions.com': { 'he.net': file('likexian_net_he.net.txt') },
      'whois.godaddy.com': {},
      'whois.enom.com': {},
      'whois.nic.fr': {
        'ovh.fr': file('likexian_fr_ovh.fr.txt'),
        'likexian-have-no-money-to-register.fr': file('likexian_afnic_fr_notfound.txt'),
      },
      'whois.publicinterestregistry.org': { 'github.org': file('likexian_org_github.org.txt') },
      'whois.denic.de': { '-T dn,ace google.de': file('weppos_denic_de_registered.txt') },
      'whois.tcinet.ru': { 'google.ru': file('weppos_tcinet_ru_registered.txt') },
      'whois.domain-registry.nl': { 'google.nl': file('weppos_sidn_nl_registered.txt') },
    });
    const whois = new WhoisClient({ cache: new LookupCache(undefined), rateLimiter: new RateLimiter(() => 0), servers: fake.servers, timeoutMs: 5000 });
    lookup = new HostingLookup({ geoip: [], whois, resolve: async (name) => ({ name, cnameChain: [], addresses: [] }) });
  });
  afterAll(async () => {
    await fake?.close();
  });

  /** address → [first abuse email, its provenance, other role emails, netname, holder, country]. */
  const NETWORKS: [string, string | undefined, string | undefined, string, string, string][] = [
    ['62.239.237.1', 'protect@bt.com', 'whois:whois.ripe.net % Abuse contact', 'BT-CORPORATE', 'UDC', 'GB'],
    ['74.125.225.229', 'arin-contact@google.com', 'whois:whois.arin.net OrgAbuseEmail', 'GOOGLE', 'Google Inc.', 'US'],
    ['210.107.73.73', 'hostmaster@nic.or.kr', 'whois:whois.apnic.net abuse-mailbox (IRT-KRNIC-KR)', 'BORANET-NET-210-107', 'DACOM Corp.', 'KR'],
    ['200.57.141.161', 'operacion.redes@triara.com', 'whois:whois.lacnic.net abuse-c RYT2 e-mail', 'Triara.com, S.A. de C.V.', 'Triara.com, S.A. de C.V.', 'MX'],
    ['196.11.240.215', 'abuse@mtnbusiness.co.za', 'whois:whois.afrinic.net remarks (196.11.239.0 - 196.11.246.255)', 'NET-196-11-239-0', 'MTN SA', 'ZA'],
  ];

  it.each(NETWORKS)('IANA → RIR for %s: abuse %s (%s), %s, %s, %s', async (ip, email, provenance, name, holder, country) => {
    const info = await lookup.lookup(ip);
    expect(info.abuseContacts[0]).toMatchObject({ email, party: 'host', provenance: expect.arrayContaining([provenance]) });
    expect(info.addresses[0].network).toMatchObject({ name, holder, country });
  });

  it('RIPE: remark address ranked after the abuse mailbox; AFRINIC: remark is the only contact; APNIC: spam remark after irt', async () => {
    const bt = await lookup.lookup('62.239.237.1');
    expect(bt.abuseContacts.map((c) => [c.email, c.basis])).toEqual([['protect@bt.com', 'role'], ['btcertcc@bt.com', 'remark']]);
    expect((await lookup.lookup('196.11.240.215')).abuseContacts.map((c) => c.basis)).toEqual(['remark']);
    const apnic = await lookup.lookup('210.107.73.73');
    expect(apnic.abuseContacts.map((c) => c.email)).toEqual(['hostmaster@nic.or.kr', 'abuse@bora.net']);
    expect(apnic.addresses[0].network).toMatchObject({ startAddress: '210.107.0.0', endAddress: '210.107.127.255' });
  });

  it('LACNIC abbreviated CIDR 200.57.128/19 is read as a range', async () => {
    const info = await lookup.lookup('200.57.141.161');
    expect(info.addresses[0].network).toMatchObject({ startAddress: '200.57.128.0', endAddress: '200.57.159.255', cidr: ['200.57.128.0/19'] });
  });

  it('ARIN → RIPE referral (whois://whois.ripe.net:43) followed: the holder, not RIPE NCC', async () => {
    const info = await lookup.lookup('130.66.76.222');
    expect(info.abuseContacts.map((c) => c.email)).toEqual(['abuse_box@bouyguestelecom.fr']);
    expect(info.addresses[0].network).toMatchObject({ name: 'BOUYGTEL-ISP-CABLE', country: 'FR', source: 'whois:whois.ripe.net' });
    expect(info.lookups.filter((l) => l.source.startsWith('whois:')).map((l) => l.source)).toEqual(['whois:whois.arin.net', 'whois:whois.ripe.net']);
    expect(fake.fakes['whois.ripe.net'].queries).toContain('130.66.76.222');
  });

  it('ARIN → APNIC referral followed: the APNIC placeholder address is not reported', async () => {
    const info = await lookup.lookup('144.134.121.81');
    expect(info.abuseContacts.map((c) => c.email)).not.toContain('search-apnic-not-arin@apnic.net');
    expect(info.abuseContacts[0].email).toBe('hostmaster@nic.or.kr');
    expect(fake.fakes['whois.apnic.net'].queries).toContain('144.134.121.81');
  });

  it('an rwhois:// referral is reported, not followed', async () => {
    const info = await lookup.lookup('192.0.2.1');
    expect(info.warnings).toEqual(['rwhois://rwhois.example.net:4321 referral not followed']);
    expect(info.addresses[0].network?.name).toBe('TEST-NET');
  });

  it('Verisign thin → registrar followed: registrar abuse from the registry, registrant from the registrar', async () => {
    const info = await lookup.lookup('google.com');
    expect(info.registration).toMatchObject({
      sources: ['whois:whois.verisign-grs.com', 'whois:whois.markmonitor.com'],
      registrar: 'MarkMonitor Inc.',
      registrarIanaId: '292',
      registrant: 'Google LLC',
      registrantCountry: 'US',
    });
    expect(info.abuseContacts).toEqual([
      expect.objectContaining({
        email: 'abusecomplaints@markmonitor.com',
        party: 'registrar',
        provenance: ['whois:whois.verisign-grs.com Registrar Abuse Contact Email', 'whois:whois.markmonitor.com Registrar Abuse Contact Email'],
      }),
    ]);
  });

  /** domain → [registrar abuse email, registrar, registrant, country, registrar server asked]. */
  const DOMAINS: [string, string | undefined, string, string | undefined, string | undefined, string | undefined][] = [
    ['google.net', 'abusecomplaints@markmonitor.com', 'MarkMonitor Inc.', undefined, undefined, 'whois.markmonitor.com'],
    ['urlowl.com', 'abuse@dynadot.com', 'DYNADOT, LLC', undefined, undefined, 'whois.dynadot.com'],
    ['dynadot.com', 'abuse@dynadot.com', 'DYNADOT LLC', 'Dynadot LLC', 'US', 'whois.dynadot.com'],
    ['he.net', 'abuse@web.com', 'Network Solutions, LLC', 'Hurricane Electric Hostmaster', 'US', 'whois.networksolutions.com'],
    ['weppos.com', undefined, 'GODADDY.COM, INC.', undefined, undefined, 'whois.godaddy.com'],
    ['github.org', 'abuse@enom.com', 'ENOM, INC.', 'REDACTED FOR PRIVACY', 'US', 'whois.enom.com'],
    ['ovh.fr', undefined, 'OVH', 'OVH SAS', 'FR', undefined],
    ['google.ru', undefined, 'RU-CENTER-REG-RIPN', 'Google Inc.', undefined, undefined],
    ['google.nl', undefined, 'MarkMonitor International LTD', 'Google Inc.', 'United States of America', undefined],
  ];
  it.each(DOMAINS)('%s: registrar abuse %s, registrar %s, registrant %s (%s)', async (domain, abuse, registrar, registrant, country, registrarServer) => {
    const info = await lookup.lookup(domain);
    const registrarRoles = info.abuseContacts.filter((c) => c.party === 'registrar' && c.basis === 'role').map((c) => c.email);
    expect(registrarRoles).toEqual(abuse ? [abuse] : []);
    expect(info.registration).toMatchObject({ registrar });
    expect(info.registration?.registrant).toBe(registrant);
    expect(info.registration?.registrantCountry).toBe(country);
    if (registrarServer) expect(fake.fakes[registrarServer].queries).toContain(domain);
  });

  it('AFNIC: no abuse field, the trouble: Spam line and the registrar address are the contacts', async () => {
    const info = await lookup.lookup('ovh.fr');
    expect(info.abuseContacts.map((c) => [c.email, c.party, c.basis])).toEqual([
      ['abuse@ovh.net', 'domain', 'remark'],
      ['support@ovh.net', 'registrar', 'contact'],
    ]);
  });

  it('DENIC: no holder, the [Tech-C] and [Zone-C] contacts with their country', async () => {
    const info = await lookup.lookup('google.de');
    expect(info.abuseContacts).toEqual([]);
    expect(info.registration?.contacts).toEqual([
      { role: 'tech-c', name: 'DNS Admin', organisation: 'Google Inc.', email: 'dns-admin@google.com', country: 'US' },
      { role: 'zone-c', name: 'Domain Admin', organisation: 'MarkMonitor Inc', email: 'ccops@markmonitor.com', country: 'US' },
    ]);
  });

  it('not-found answers are reported as not found (Verisign, AFNIC)', async () => {
    for (const domain of ['u34jedzcq.com', 'likexian-have-no-money-to-register.fr']) {
      const info = await lookup.lookup(domain);
      expect(info.registration).toEqual({ sources: [expect.stringMatching(/^whois:/)], notFound: true });
    }
  });

  it('asks IANA once per TLD and once per address block (cache)', async () => {
    await lookup.lookup('google.com');
    await lookup.lookup('google.com');
    const queries = fake.fakes['whois.iana.org'].queries;
    expect(queries.filter((q) => q === 'com')).toHaveLength(1);
    expect(fake.fakes['whois.verisign-grs.com'].queries.filter((q) => q === 'domain google.com')).toHaveLength(1);
  });
});
