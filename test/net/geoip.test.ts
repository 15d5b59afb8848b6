import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultGeoIpPath, openGeoIpDatabase, type GeoIpDatabase } from '../../src/net/geoip.js';
import { sharedPath } from '../helpers/shared.js';

const dir = sharedPath('reference/net/mmdb');

describe.skipIf(!dir)('GeoIP: MaxMind test databases (mmdb/README.md known answers)', () => {
  const open = (name: string) => openGeoIpDatabase(join(dir as string, name));
  const opened: GeoIpDatabase[] = [];
  afterAll(() => opened.splice(0));

  // IP → [country, registered country, city, subdivisions] from GeoIP2-City-Test.mmdb.
  const city: [string, string, string, string | undefined, string[] | undefined][] = [
    ['81.2.69.160', 'GB', 'US', 'London', ['ENG']],
    ['81.2.69.142', 'GB', 'US', 'London', ['ENG']],
    ['2.125.160.216', 'GB', 'FR', 'Boxford', ['ENG', 'WBK']],
    ['89.160.20.112', 'SE', 'DE', 'Linköping', ['E']],
    ['89.160.20.128', 'SE', 'DE', 'Linköping', ['E']],
    ['216.160.83.56', 'US', 'GB', 'Milton', ['WA']],
    ['175.16.199.0', 'CN', 'CN', 'Changchun', ['22']],
    ['67.43.156.0', 'BT', 'RO', undefined, undefined],
    ['214.78.120.0', 'US', 'US', 'San Diego', ['CA']],
    ['149.101.100.0', 'US', 'GB', undefined, undefined],
    ['202.196.224.0', 'PH', 'PH', undefined, undefined],
    ['2001:218::1', 'JP', 'JP', undefined, undefined],
    ['2a02:cf40::1', 'NO', 'NO', undefined, undefined],
  ];

  it.each(city)('City %s → %s (registered %s), %s', async (ip, country, registered, cityName, subdivisions) => {
    const db = await open('GeoIP2-City-Test.mmdb');
    const answer = db.lookup(ip);
    expect(answer).toMatchObject({ country, registeredCountry: registered, databaseType: 'GeoIP2-City' });
    expect(answer?.city).toBe(cityName);
    expect(answer?.subdivisions).toEqual(subdivisions);
  });

  it('City: location, prefix network, null for 1.128.0.0 and 10.0.0.1', async () => {
    const db = await open('GeoIP2-City-Test.mmdb');
    expect(db.lookup('81.2.69.160')).toMatchObject({ latitude: 51.5142, longitude: -0.0931, network: '81.2.69.160/27' });
    expect(db.lookup('81.2.69.142')?.network).toBe('81.2.69.142/31');
    expect(db.lookup('1.128.0.0')?.notFound).toBe(true);
    expect(db.lookup('10.0.0.1')?.notFound).toBe(true);
  });

  const asn: [string, number | undefined, string | undefined][] = [
    ['89.160.20.112', 29518, 'Bredband2 AB'],
    ['89.160.20.128', 29518, 'Bredband2 AB'],
    ['216.160.83.56', 209, undefined],
    ['67.43.156.0', 35908, undefined],
    ['214.78.120.0', 721, 'DoD Network Information Center'],
    ['149.101.100.0', 6167, 'CELLCO-PART'],
    ['1.128.0.0', 1221, 'Telstra Pty Ltd'],
    ['81.2.69.160', undefined, undefined],
  ];
  it.each(asn)('ASN %s → %s %s', async (ip, number, organization) => {
    const answer = (await open('GeoLite2-ASN-Test.mmdb')).lookup(ip);
    expect(answer?.asn).toBe(number);
    expect(answer?.asOrganization).toBe(organization);
  });

  const isp: [string, string | undefined, string | undefined][] = [
    ['81.2.69.160', 'Andrews & Arnold Ltd', 'STONEHOUSE office network'],
    ['89.160.20.112', 'Bredband2 AB', 'Bevtec'],
    ['216.160.83.56', 'Century Link', 'Lariat Software'],
    ['67.43.156.0', 'Loud Packet', 'zudoarichikito_'],
    ['149.101.100.0', 'Verizon Wireless', 'Verizon Wireless'],
    ['1.128.0.0', 'Telstra Internet', 'Telstra Internet'],
    ['8.8.8.8', 'Level 3 Communications', 'Level 3 Communications'],
    ['89.160.20.128', undefined, undefined],
  ];
  it.each(isp)('ISP %s → %s / %s', async (ip, ispName, organization) => {
    const answer = (await open('GeoIP2-ISP-Test.mmdb')).lookup(ip);
    expect(answer?.isp).toBe(ispName);
    expect(answer?.organization).toBe(organization);
  });

  it('Country and GeoLite2 layouts give the same countries', async () => {
    for (const name of ['GeoIP2-Country-Test.mmdb', 'GeoLite2-Country-Test.mmdb', 'GeoLite2-City-Test.mmdb']) {
      expect((await open(name)).lookup('89.160.20.112')?.country).toBe('SE');
    }
  });

  it('an IPv4-only database does not answer an IPv6 query (it would walk the wrong branch)', async () => {
    const db = await open('MaxMind-DB-test-ipv4-24.mmdb');
    expect(db.ipVersion).toBe(4);
    expect(db.lookup('2001:4860:4860::8888')).toBeUndefined();
    expect(db.lookup('1.1.1.1')?.notFound).not.toBe(true);
  });

  it('broken databases give a clear geoip-corrupt error, not a crash or a wrong answer', async () => {
    const nodeCount = await open('GeoIP2-City-Test-Invalid-Node-Count.mmdb');
    expect(() => nodeCount.lookup('81.2.69.160')).toThrow(/damaged or not a MaxMind DB file/);
    const doubles = await open('GeoIP2-City-Test-Broken-Double-Format.mmdb');
    expect(() => doubles.lookup('81.2.69.160')).toThrow(expect.objectContaining({ code: 'geoip-corrupt' }));
    await expect(openGeoIpDatabase(join(dir as string, 'README.md'))).rejects.toMatchObject({ code: 'geoip-corrupt', exitCode: 4 });
    await expect(openGeoIpDatabase(join(dir as string, 'absent.mmdb'))).rejects.toMatchObject({ code: 'geoip-missing' });
  });
});

describe('GeoIP: embedded DB-IP country database', () => {
  it('answers both families with the flat country_code layout and carries the DB-IP credit', async () => {
    const db = await openGeoIpDatabase(defaultGeoIpPath());
    expect(db.ipVersion).toBe(6);
    expect(db.credit).toMatch(/DB-IP.*CC BY 4\.0/);
    expect(db.lookup('193.0.6.139')?.country).toBe('NL');
    expect(db.lookup('2001:67c:2e8:22::c100:68b')?.country).toMatch(/^[A-Z]{2}$/);
  });
});
