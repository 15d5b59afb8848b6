import type { ReportFigures } from '../../src/triage/report/figures.js';

/** Figures of a made-up year, with hostile names where the store could hold them (categories, hosts, sources). */
export function sampleFigures(overrides: Partial<ReportFigures> = {}): ReportFigures {
  return {
    period: { from: '2026-01-01', to: '2026-12-31' },
    observedAt: '2026-12-01T10:00:00.000Z',
    producer: 'vigie 0.1.0',
    caseName: 'case.sqlite',
    reports: 1200,
    assessed: 1000,
    illegal: 640,
    byCategory: [
      { key: 'csam', count: 500 },
      { key: 'terrorism', count: 90 },
      { key: '<script>alert("category")</script>', count: 50 },
    ],
    bySource: [
      { key: 'public-form', count: 900 },
      { key: 'inhope:NL', count: 250 },
      { key: 'platform "quoted" & <b>bold</b>', count: 50 },
    ],
    byMonth: [
      { key: '2026-02', count: 120 },
      { key: '2026-01', count: 100 },
      { key: '2026-03', count: 980 },
    ],
    hostingCountries: [
      { key: 'NL', count: 300 },
      { key: 'US', count: 200 },
      { key: 'FR', count: 100 },
      { key: 'unknown', count: 40 },
    ],
    tlds: [
      { key: 'com', count: 400 },
      { key: 'fr', count: 140 },
      { key: 'test', count: 100 },
    ],
    hostingProviders: [
      { key: 'Example Hosting B.V.', count: 320 },
      { key: "<img src=x onerror=alert('host')>", count: 220 },
      { key: 'Hébergeur Exemple SAS', count: 100 },
    ],
    noticesByKind: [
      { key: 'host', count: 420 },
      { key: 'pharos', count: 100 },
      { key: 'iccam', count: 300 },
      { key: 'registrar', count: 12 },
    ],
    removal: { underNotice: 600, removed: 540, sameDay: 200, within3Days: 420, within7Days: 500, medianHours: 30.5 },
    ...overrides,
  };
}
