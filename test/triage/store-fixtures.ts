/** Typed records as the pipeline's steps give them, for the case store tests (synthetic: reserved names only). */
import type { HostingInfo } from '../../src/core/hosting.js';
import type { MatchRecord } from '../../src/core/match.js';
import type { HashRecord } from '../../src/core/records.js';
import type { ResolutionRecord } from '../../src/core/resolution.js';
import { expect } from 'vitest';
import { VigieError } from '../../src/core/errors.js';
import type { ReportInput } from '../../src/triage/store/index.js';

export const PRODUCER = 'vigie test';
export const OBSERVED = '2026-03-01T10:00:00.000Z';
export const provenance = { producer: PRODUCER, observedAt: OBSERVED };

export function report(id: string, overrides: Partial<ReportInput> = {}): ReportInput {
  return {
    id,
    url: `hxxp://site-${id}[.]example/page`,
    reportedAt: '2026-02-14T09:30:00.000Z',
    source: 'public-form',
    batch: 'reports.csv sha256:0000',
    line: Number(id.replace(/\D/g, '')) || 1,
    ...overrides,
  };
}

export function resolution(url: string): ResolutionRecord {
  return {
    input: url,
    url,
    host: { unicode: new URL(url).hostname, ascii: new URL(url).hostname },
    registrableDomain: new URL(url).hostname,
    flags: ['defanged'],
    hops: [
      { url, timestamp: OBSERVED, ip: '192.0.2.10', port: 80, scope: 'public', status: 301, location: '/next' },
      { url: `${url}next`, timestamp: OBSERVED, ip: '192.0.2.10', port: 80, scope: 'public', status: 200 },
    ],
    finalUrl: `${url}next`,
    resolvedAt: OBSERVED,
  };
}

export function hosting(host: string, country: string, holder = 'Example Hosting BV'): HostingInfo {
  return {
    target: host,
    kind: 'domain',
    host,
    domain: host,
    addresses: [
      {
        address: '192.0.2.10',
        family: 4,
        country,
        countrySource: 'geoip:dbip-country.mmdb',
        geoip: [{ source: 'geoip:dbip-country.mmdb', databaseType: 'country', country }],
        network: { source: 'rdap:ripe', holder, country },
        asn: 64500,
      },
    ],
    abuseContacts: [{ email: 'abuse@hosting.example', party: 'host', basis: 'role', provenance: ['rdap:ripe entity X'] }],
    disagreements: [],
    lookups: [{ source: 'geoip:dbip-country.mmdb', query: '192.0.2.10', status: 'ok' }],
    credits: ['IP geolocation by DB-IP (CC BY 4.0)'],
  };
}

export function hashRecord(path: string): HashRecord {
  return {
    path,
    media: 'image',
    bytes: 1234,
    width: 64,
    height: 64,
    hashes: { md5: 'd41d8cd98f00b204e9800998ecf8427e', pdq: 'f'.repeat(64) },
    pdq_quality: 100,
  };
}

export function matchRecord(path: string): MatchRecord {
  return {
    path,
    media: 'image',
    hashes: { pdq: 'f'.repeat(64) },
    matches: [
      { set: 'sample', entry: 'f'.repeat(64), signal: 'pdq', distance: 2, variant: 'orig', category: '1', scheme: 'vics-us', source: 'own' },
      { set: 'sample', entry: 'f'.repeat(64), signal: 'pdq', distance: 5, variant: 'rot90', category: '1', scheme: 'vics-us', source: 'own' },
    ],
  };
}

/** The VigieError a promise rejects with (failing the test if it resolves or throws something else). */
export async function refusal(promise: Promise<unknown>): Promise<VigieError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(VigieError);
  return error as VigieError;
}
