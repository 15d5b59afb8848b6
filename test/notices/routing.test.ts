import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AbuseContact } from '../../src/core/hosting.js';
import {
  loadCategories,
  loadHotlines,
  loadRoutingRules,
  parseRoutingRules,
  routeTarget,
  type CaseInput,
  type CaseTarget,
  type RoutingContext,
} from '../../src/notices/index.js';

const hostContact: AbuseContact = { email: 'abuse@host.example', party: 'host', partyName: 'Host Example', basis: 'role', provenance: ['rdap:ripe entity ABUSE-1'] };
const registrarContact: AbuseContact = { email: 'abuse@registrar.example', party: 'registrar', partyName: 'Registrar Example', basis: 'role', provenance: ['rdap:rdap.nic.example entity REG-1'] };

function target(overrides: Partial<CaseTarget>): CaseTarget {
  return {
    where: 'targets[0]',
    url: 'https://content.example/x',
    host: 'content.example',
    observedAt: '2026-11-30T14:00:00.000Z',
    observedTimeZone: 'Europe/Paris',
    countrySettled: false,
    abuseContacts: [hostContact, registrarContact],
    items: [],
    provenance: [],
    ...overrides,
  };
}

function caseOf(t: CaseTarget, category = 'csam'): CaseInput {
  return { source: 'test', notifier: {}, category, observedTimeZone: 'Europe/Paris', externalRefs: {}, targets: [t], items: [] };
}

async function context(): Promise<RoutingContext> {
  const [rules, categories, hotlines] = await Promise.all([loadRoutingRules(), loadCategories(), loadHotlines()]);
  return { rules, categories, hotlines };
}

type Row = {
  name: string;
  target: Partial<CaseTarget>;
  category?: string;
  rules: string[];
  notices: string[];
  flags?: string[];
  manual?: string[];
};

// One row per rule of data/notices/routing.yaml (and the evaluator's own no-contact rule): kind@delay:rule.
const TABLE: Row[] = [
  {
    name: 'hosted in France: host notice and PHAROS report',
    target: { hostingCountry: 'FR' },
    rules: ['csam-classification-only', 'france-hosted'],
    notices: ['host@0:france-hosted', 'pharos@0:france-hosted'],
    flags: ['classification-only'],
  },
  {
    name: 'CSAM hosted in an INHOPE country: ICCAM referral, host notice after 7 days if still online',
    target: { hostingCountry: 'NL' },
    rules: ['csam-classification-only', 'inhope-country'],
    notices: ['iccam@0:inhope-country', 'host@7:inhope-country'],
  },
  {
    name: 'another category in an INHOPE country: host notice only (ICCAM is for CSAM)',
    target: { hostingCountry: 'DE' },
    category: 'terrorism',
    rules: ['inhope-country'],
    notices: ['host@0:inhope-country'],
  },
  {
    name: 'hosted elsewhere: host notice, registrar after 7 days',
    target: { hostingCountry: 'SC' },
    rules: ['csam-classification-only', 'elsewhere'],
    notices: ['host@0:elsewhere', 'registrar@7:elsewhere'],
  },
  {
    name: 'a dedicated domain: registrar at once, then the host',
    target: { hostingCountry: 'PA', dedicatedDomain: true },
    rules: ['csam-classification-only', 'dedicated-domain', 'elsewhere'],
    notices: ['registrar@0:dedicated-domain', 'host@0:elsewhere'],
  },
  {
    name: 'DSA art. 18: PHAROS first, then the usual notices',
    target: { hostingCountry: 'SC', art18: true },
    category: 'terrorism',
    rules: ['art18-authorities-first', 'elsewhere'],
    notices: ['pharos@0:art18-authorities-first', 'host@0:elsewhere', 'registrar@7:elsewhere'],
    flags: ['art18-authorities-first'],
  },
  {
    name: 'art. 18 in France: PHAROS once, first',
    target: { hostingCountry: 'FR', art18: true },
    category: 'terrorism',
    rules: ['art18-authorities-first', 'france-hosted'],
    notices: ['pharos@0:art18-authorities-first', 'host@0:france-hosted'],
  },
  {
    name: 'sources disagree on the country: nothing drafted, flagged for the analyst',
    target: {
      hostingCountry: 'NL',
      countryDisagreement: [
        { value: 'NL', source: 'geoip:dbip-country.mmdb' },
        { value: 'DE', source: 'rdap:ripe' },
      ],
    },
    rules: ['country-disagreement'],
    notices: [],
    flags: ['country-disagreement'],
  },
  {
    name: 'a disagreement the case settled (hostingCountry set) routes normally',
    target: { hostingCountry: 'DE', countrySettled: true, countryDisagreement: [{ value: 'NL', source: 'geoip:x' }, { value: 'DE', source: 'rdap:ripe' }] },
    rules: ['csam-classification-only', 'inhope-country'],
    notices: ['iccam@0:inhope-country', 'host@7:inhope-country'],
  },
  {
    name: 'no hosting country: host notice, flagged',
    target: {},
    rules: ['csam-classification-only', 'country-unknown'],
    notices: ['host@0:country-unknown'],
    flags: ['classification-only', 'country-unknown'],
  },
  {
    name: 'no abuse contact: "needs a manual recipient", never a guess',
    target: { hostingCountry: 'SC', abuseContacts: [] },
    rules: ['csam-classification-only', 'elsewhere'],
    notices: ['host@0:elsewhere', 'registrar@7:elsewhere'],
    flags: ['classification-only', 'needs-manual-recipient', 'needs-manual-recipient'],
    manual: ['host', 'registrar'],
  },
  {
    name: 'a manual recipient in the case file is used for the host',
    target: { hostingCountry: 'FR', abuseContacts: [], recipient: { email: 'legal@host.example', provenance: 'case:c.yaml targets[0].recipient' } },
    rules: ['csam-classification-only', 'france-hosted'],
    notices: ['host@0:france-hosted', 'pharos@0:france-hosted'],
  },
];

describe('routing rules (data/notices/routing.yaml), one row per rule', () => {
  it.each(TABLE)('$name', async (row) => {
    const ctx = await context();
    const t = target(row.target);
    const routing = routeTarget(t, caseOf(t, row.category), ctx);
    expect(routing.rules).toEqual(row.rules);
    expect(routing.notices.map((n) => `${n.kind}@${n.delayDays}:${n.rule}`)).toEqual(row.notices);
    if (row.flags) expect(routing.flags.map((f) => f.flag)).toEqual(row.flags);
    const manual = routing.notices.filter((n) => !n.recipient).map((n) => n.kind);
    expect(manual).toEqual(row.manual ?? []);
    if (row.manual) {
      const details = routing.flags.filter((f) => f.flag === 'needs-manual-recipient').map((f) => f.detail);
      expect(details.every((d) => d?.includes('needs a manual recipient'))).toBe(true);
    }
  });

  it('every rule of the shipped file is exercised by the table', async () => {
    const ctx = await context();
    const covered = new Set(TABLE.flatMap((row) => row.rules));
    expect(ctx.rules.rules.map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  it('says which sources disagreed, so the analyst can decide', async () => {
    const ctx = await context();
    const t = target(TABLE.find((r) => r.rules[0] === 'country-disagreement')!.target);
    const flag = routeTarget(t, caseOf(t), ctx).flags[0]!;
    expect(flag.detail).toContain('NL (geoip:dbip-country.mmdb)');
    expect(flag.detail).toContain('DE (rdap:ripe)');
  });

  it('the recipient keeps the provenance vigie geo gave; other contacts are offered as alternatives', async () => {
    const ctx = await context();
    const second: AbuseContact = { email: 'noc@host.example', party: 'host', basis: 'contact', provenance: ['whois:whois.ripe.net e-mail'] };
    const t = target({ hostingCountry: 'FR', abuseContacts: [hostContact, second, registrarContact] });
    const host = routeTarget(t, caseOf(t), ctx).notices[0]!;
    expect(host.recipient?.abuseContact).toMatchObject({ email: 'abuse@host.example', basis: 'role', provenance: ['rdap:ripe entity ABUSE-1'] });
    expect(host.alternatives.map((c) => c.email)).toEqual(['noc@host.example']);
  });

  it('an ICCAM referral goes to the hosting country\'s hotline from the data file', async () => {
    const ctx = await context();
    const t = target({ hostingCountry: 'NL' });
    const iccam = routeTarget(t, caseOf(t), ctx).notices[0]!;
    expect(iccam.recipient).toMatchObject({ role: 'hotline', country: 'NL' });
    expect(iccam.recipient?.abuseContact?.provenance[0]).toMatch(/^data:inhope-hotlines\.yaml NL/);
  });

  it('refuses a rules file with mistakes, listing each', () => {
    const bad = { recipients: { pharos: { name: 'P', country: 'FR', website: 'https://p.example/' } }, rules: [{ id: 'a', when: { colour: true }, notices: [{ kind: 'fax' }] }, { id: 'a' }] };
    expect(() => parseRoutingRules(bad, 'bad.yaml')).toThrow(/3 problems[\s\S]*kind: expected one of[\s\S]*colour: unknown condition[\s\S]*"a" is used twice/);
  });
});

describe('routing properties, on random targets', () => {
  it('never guesses a recipient, never drafts a kind twice, every decision names an applied rule', async () => {
    const ctx = await context();
    const codes = ctx.categories.categories.map((c) => c.code);
    const contactPool: AbuseContact[] = [
      hostContact,
      registrarContact,
      { email: 'noc@host.example', party: 'host', basis: 'contact', provenance: ['whois:w e-mail'] },
      { email: 'owner@content.example', party: 'domain', basis: 'contact', provenance: ['rdap:x registrant'] },
      { phone: '+33 1 00 00 00 00', party: 'host', basis: 'role', provenance: ['rdap:y'] },
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          country: fc.option(fc.constantFrom('FR', 'NL', 'DE', 'SC', 'PA', 'US', 'GB'), { nil: undefined }),
          disagree: fc.boolean(),
          settled: fc.boolean(),
          category: fc.constantFrom(...codes),
          art18: fc.boolean(),
          dedicated: fc.boolean(),
          contacts: fc.subarray(contactPool),
        }),
        async (r) => {
          const t = target({
            ...(r.country ? { hostingCountry: r.country } : {}),
            ...(r.disagree ? { countryDisagreement: [{ value: 'NL', source: 'a' }, { value: 'DE', source: 'b' }] } : {}),
            countrySettled: r.settled,
            art18: r.art18,
            dedicatedDomain: r.dedicated,
            abuseContacts: r.contacts,
          });
          const routing = routeTarget(t, caseOf(t, r.category), ctx);
          const kinds = routing.notices.map((n) => n.kind);
          expect(new Set(kinds).size).toBe(kinds.length);
          for (const n of routing.notices) expect(routing.rules).toContain(n.rule);
          const known = new Set(r.contacts.map((c) => c.email).filter(Boolean));
          for (const n of routing.notices.filter((x) => x.kind === 'host' || x.kind === 'registrar')) {
            if (n.recipient) expect(known.has(n.recipient.abuseContact?.email)).toBe(true);
          }
          const manual = routing.notices.filter((n) => !n.recipient && (n.kind === 'host' || n.kind === 'registrar')).length;
          expect(routing.flags.filter((f) => f.flag === 'needs-manual-recipient')).toHaveLength(manual);
          if (r.disagree && !r.settled) expect(routing.notices).toEqual([]);
          if (r.art18 && !(r.disagree && !r.settled)) expect(routing.notices[0]?.kind).toBe('pharos');
        },
      ),
      { numRuns: 300 },
    );
  });
});
