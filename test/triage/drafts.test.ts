import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Notice } from '../../src/core/notice.js';
import { validateNotice } from '../../src/notices/index.js';
import { createDrafter, readNotifier, type CaseReport } from '../../src/triage/index.js';
import { REPO_ROOT } from '../helpers/shared.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigie-drafts-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** An auto-qualified report hosted in France with an abuse contact found by RDAP. */
function report(): CaseReport {
  const provenance = { producer: 'vigie test', observedAt: '2026-11-02T10:00:00.000Z' };
  return {
    report: {
      id: 'R-1', url: 'https://www.host1.example/a', reportedAt: '2026-11-02T09:00:00.000Z', source: 'public-form', batch: 'b', line: 2,
      media: 'gradient.png', status: 'auto-qualified', priority: 0, storedAt: provenance.observedAt,
    },
    url: {
      url: 'https://www.host1.example/a', host: 'www.host1.example', domain: 'host1.example', tld: 'example', flags: [],
      resolution: {
        input: 'https://www.host1.example/a', url: 'https://www.host1.example/a', flags: [], resolvedAt: provenance.observedAt,
        hops: [{ url: 'https://www.host1.example/a', timestamp: '2026-11-02T10:00:01.000Z', ip: '192.0.2.7', port: 443, status: 200 }],
        finalUrl: 'https://www.host1.example/a',
      },
      resolutionProvenance: provenance,
    },
    hosting: {
      info: {
        target: 'www.host1.example', kind: 'domain', host: 'www.host1.example', domain: 'host1.example',
        addresses: [{ address: '192.0.2.7', family: 4, country: 'FR', countrySource: 'geoip:test', geoip: [], asn: 64500, asOrganization: 'Sample Hosting' }],
        abuseContacts: [{ email: 'abuse@hosting.example', party: 'host', partyName: 'Sample Hosting', basis: 'role', provenance: ['rdap:ripe entity ABUSE-1'] }],
        disagreements: [], lookups: [], credits: [],
      },
      provenance,
    },
    media: [{
      path: 'gradient.png',
      hashRecord: { path: 'gradient.png', media: 'image', hashes: { sha256: 'a'.repeat(64) } } as never,
      matchRecord: {
        path: 'gradient.png', hashes: { sha256: 'a'.repeat(64) }, observedAt: provenance.observedAt, producer: 'vigie test',
        matches: [{ set: 'known', entry: 'a'.repeat(64), signal: 'sha256', distance: 0, category: { scheme: 'vics-us', value: '1' }, source: 'list' }],
      },
      provenance,
    }],
    qualification: {
      status: 'auto-qualified', category: { scheme: 'vics-us', value: '1', label: 'Child Abuse Material (CAM)' }, illegal: true, priority: 0,
      reasons: ['matched vics-us 1, set known, sha256 distance 0: a category marked illegal'], provenance,
    },
    notices: [], checks: [], steps: [], audit: [],
  } as unknown as CaseReport;
}

describe('notice drafts of a qualified report', () => {
  it('routes a France-hosted auto-qualified report to the host and PHAROS, with valid notices and their files', async () => {
    const draft = await createDrafter({ notifier: readNotifier(join(REPO_ROOT, 'samples/notifier.json')), dir, producer: 'vigie test' });
    const entries = await draft(report());
    expect(entries.map((entry) => entry.kind).sort()).toEqual(['host', 'pharos']);
    for (const entry of entries) {
      const notice = entry.record as Notice;
      expect(validateNotice(notice)).toEqual([]);
      expect(entry.reportIds).toEqual(['R-1']);
      const text = await readFile(join(dir, entry.files[0]), 'utf8');
      expect(text).toMatch(/host1\[\.\]example|host1\.example/);
      expect(text).not.toMatch(/gradient\.png/);
    }
    const host = entries.find((entry) => entry.kind === 'host')!.record as Notice;
    expect(host.recipient.abuseContact).toMatchObject({ email: 'abuse@hosting.example', provenance: ['rdap:ripe entity ABUSE-1'] });
    // Drafted again (a rerun): the same ids.
    expect((await draft(report())).map((entry) => entry.id)).toEqual(entries.map((entry) => entry.id));
  });

  it('drafts nothing for a category the legal table does not map (the analyst decides)', async () => {
    const draft = await createDrafter({ notifier: readNotifier(join(REPO_ROOT, 'samples/notifier.json')), dir, producer: 'vigie test' });
    const unmapped = report();
    unmapped.qualification!.category = { scheme: 'custom', value: 'x' };
    expect(await draft(unmapped)).toEqual([]);
  });
});
