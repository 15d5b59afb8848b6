import { deriveNoticeId, NOTICE_SCHEMA_VERSION, type Notice, type NoticeKind } from '../../src/core/notice.js';

/**
 * Hand-built notices for the renderer tests, independent of case assembly: every field a template can show is set,
 * so a renderer that drops one shows in the assertions. Tests override fields with `overrides`.
 */
export function fixtureNotice(kind: NoticeKind = 'host', overrides: Partial<Notice> = {}): Notice {
  const recipient: Notice['recipient'] =
    kind === 'pharos'
      ? { role: 'lea', name: 'PHAROS', country: 'FR', abuseContact: { website: 'https://www.internet-signalement.gouv.fr/', provenance: ['data:notices/routing.yaml'] } }
      : kind === 'iccam'
        ? { role: 'hotline', name: 'Meldpunt Kinderporno', country: 'NL', abuseContact: { website: 'https://www.meldpunt-kinderporno.nl/', provenance: ['data:notices/inhope-hotlines.yaml'] } }
        : kind === 'registrar'
          ? {
              role: 'registrar',
              name: 'Example Registrar, Inc.',
              country: 'US',
              ianaId: '9999',
              abuseContact: { email: 'abuse@registrar.example', party: 'registrar', provenance: ['rdap:rdap.example entity REG-1'] },
            }
          : {
              role: 'host',
              name: 'Hébergeur Exemple SAS',
              country: 'FR',
              abuseContact: {
                email: 'abuse@hebergeur.example',
                party: 'host',
                partyName: 'Hébergeur Exemple SAS',
                basis: 'role',
                provenance: ['rdap:ripe entity ABUSE-EX1'],
              },
            };
  const caseRef = 'PDC-2026-000123';
  const base: Notice = {
    id: deriveNoticeId(caseRef, recipient.abuseContact?.email ?? recipient.name, kind),
    schemaVersion: NOTICE_SCHEMA_VERSION,
    kind,
    status: 'draft',
    reference: `${caseRef}-${kind}-1`,
    caseRef,
    createdAt: '2026-06-02T09:30:00.000Z',
    notifier: {
      organisation: 'Point de Contact',
      organisationDomain: 'pointdecontact.example',
      contactEmail: 'signalement@pointdecontact.example',
      country: 'FR',
      trustedFlagger: { coordinator: 'FR-Arcom', since: '2025-03' },
      analystRef: 'analyst-07',
    },
    recipient,
    targets: [
      {
        url: 'https://images.example.fr/gallery/item.html',
        host: 'images.example.fr',
        registrableDomain: 'example.fr',
        observedAt: '2026-06-01T08:12:05.000Z',
        observedTimeZone: 'Europe/Paris',
        ip: '192.0.2.10',
        port: 443,
        ipObservedAt: '2026-06-01T08:12:04.000Z',
        httpStatus: 200,
        asn: 64500,
        asOrganization: 'EXAMPLE-AS',
        hostingCountry: 'FR',
        hostingCountrySource: 'geoip:dbip-country.mmdb',
        hostingProvider: 'Hébergeur Exemple SAS',
        registrar: 'Example Registrar, Inc.',
        siteType: 'image-host',
        provenance: ['case:case.yaml targets[0]'],
      },
    ],
    items: [
      {
        mediaType: 'image',
        hashes: {
          sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
          md5: 'd41d8cd98f00b204e9800998ecf8427e',
          pdq: 'f'.repeat(64),
        },
        classification: { interpol: 'baseline', ncmec: 'A1' },
        targetUrl: 'https://images.example.fr/gallery/item.html',
        victimAgeBand: 'pre-pubescent',
        hashListMatches: [{ set: 'ncmec', entry: 'f'.repeat(64), signal: 'pdq', distance: 12, source: 'ncmec' }],
      },
    ],
    legal: {
      category: 'csam',
      categoryLabel: {
        fr: 'Représentations pédopornographiques de mineurs',
        en: 'Child sexual abuse material',
      },
      articles: ['Code pénal art. 227-23', 'Directive 2011/93/UE'],
      reasoning: "Image d'un mineur de caractère pornographique, classée baseline.",
      dsaArt16Exemption: true,
      dsaArt18Relevant: true,
      xarfType: 'csam',
      pharosCategory: 'Pédophilie, pédopornographie ou proposition sexuelle à un mineur',
    },
    goodFaithStatement: true,
    externalRefs: { pharosRef: 'PHAROS-2026-42' },
    transport: { channel: kind === 'host' || kind === 'registrar' ? 'email' : kind === 'iccam' ? 'iccam' : 'webform' },
    routing: { rule: 'france-hosted', order: 1, delayDays: 0, flags: [], rulesSource: 'data/notices/routing.yaml sha256:00' },
    generator: { name: 'vigie', version: '0.1.0' },
  };
  return { ...base, ...overrides };
}

/** A non-CSAM notice (hate speech): it has a description, no exemption, no XARF type. */
export function hateNotice(kind: NoticeKind = 'host', overrides: Partial<Notice> = {}): Notice {
  const notice = fixtureNotice(kind);
  return {
    ...notice,
    items: [],
    legal: {
      category: 'hate_provocation',
      categoryLabel: { fr: 'Provocation à la haine', en: 'Incitement to hatred' },
      articles: ['Loi du 29 juillet 1881 art. 24'],
      reasoning: 'Appel explicite à la violence contre un groupe désigné par sa religion.',
      dsaArt16Exemption: false,
      dsaArt18Relevant: false,
    },
    description: 'Message publié appelant à « frapper » les membres d’une communauté religieuse.',
    ...overrides,
  };
}
