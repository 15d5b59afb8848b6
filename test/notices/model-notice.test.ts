import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deriveNoticeId, recipientKey, type Notice } from '../../src/core/notice.js';
import { CaseInputError, loadCategories, prepareNotices, validateNotice } from '../../src/notices/index.js';
import { REPO_ROOT } from '../helpers/shared.js';

const SAMPLE = join(REPO_ROOT, 'samples', 'case-example.yaml');
const NOW = '2026-12-01T09:00:00Z';

describe('Notice ids', () => {
  it('are derived from case reference, recipient and kind, shaped as UUID v4 (XARF report_id)', () => {
    const id = deriveNoticeId('PDC-1', 'abuse@host.example', 'host');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deriveNoticeId('PDC-1', 'ABUSE@host.example', 'host')).toBe(id);
    expect(new Set([id, deriveNoticeId('PDC-2', 'abuse@host.example', 'host'), deriveNoticeId('PDC-1', 'abuse@other.example', 'host'), deriveNoticeId('PDC-1', 'abuse@host.example', 'registrar')]).size).toBe(4);
  });

  it('a recipient without a contact address is keyed by role and name', () => {
    expect(recipientKey({ role: 'lea', name: 'PHAROS' })).toBe('lea:PHAROS');
  });
});

describe('assembling samples/case-example.yaml', () => {
  it('drafts every notice kind, in routing order, each valid', async () => {
    const { notices, held, context } = await prepareNotices({ casePath: SAMPLE, now: NOW });
    expect(notices.map((n) => `${n.reference} ${n.kind} ${n.recipient.country} ${n.routing.rule}`)).toEqual([
      'PDC-2026-000123-H1 host FR france-hosted',
      'PDC-2026-000123-P1 pharos FR france-hosted',
      'PDC-2026-000123-I1 iccam NL inhope-country',
      'PDC-2026-000123-H2 host NL inhope-country',
      'PDC-2026-000123-H3 host SC elsewhere',
      'PDC-2026-000123-R1 registrar SC elsewhere',
      'PDC-2026-000123-R2 registrar US dedicated-domain',
      'PDC-2026-000123-H4 host PA elsewhere',
    ]);
    expect(held).toEqual([]);
    for (const notice of notices) expect(validateNotice(notice, { categories: context.categories }), notice.reference).toEqual([]);
  });

  it('is deterministic: the same input gives the same notices; --now changes only createdAt', async () => {
    const a = (await prepareNotices({ casePath: SAMPLE, now: NOW })).notices;
    const b = (await prepareNotices({ casePath: SAMPLE, now: NOW })).notices;
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const c = (await prepareNotices({ casePath: SAMPLE, now: '2026-12-02T10:00:00+01:00' })).notices;
    expect(c.map((n) => n.id)).toEqual(a.map((n) => n.id));
    expect(c[0]!.createdAt).toBe('2026-12-02T09:00:00Z');
  });

  it('carries the legal qualification: category, French articles, DSA art. 16(2)(c) exemption for CSAM, art. 18 flag', async () => {
    const { notices } = await prepareNotices({ casePath: SAMPLE, now: NOW });
    const csam = notices[0]!;
    expect(csam.legal).toMatchObject({ category: 'csam', articles: ['Code pénal art. 227-23', 'Directive 2011/93/UE'], dsaArt16Exemption: true, dsaArt18Relevant: true });
    const hate = notices.find((n) => n.legal.category === 'hate_provocation')!;
    expect(hate.legal).toMatchObject({ articles: ['Loi du 29 juillet 1881 art. 24'], dsaArt16Exemption: false, dsaArt18Relevant: false });
    expect(csam.goodFaithStatement).toBe(true);
    expect(csam.notifier).toMatchObject({ organisation: 'Point de Contact (exemple)', trustedFlagger: { coordinator: 'FR-Arcom' }, analystRef: 'analyst-07' });
  });

  it('never describes CSAM beyond its classification; other content keeps its description verbatim (HTML and {{ as text)', async () => {
    const { notices } = await prepareNotices({ casePath: SAMPLE, now: NOW, overrides: { description: 'should never appear' } });
    for (const n of notices.filter((x) => x.legal.category === 'csam')) expect(n.description).toBeUndefined();
    expect(JSON.stringify(notices.filter((x) => x.legal.category === 'csam'))).not.toContain('should never appear');
    const hate = notices.find((n) => n.legal.category === 'hate_provocation')!;
    expect(hate.description).toContain('« <b>Rassemblement</b> {{date}} »');
  });

  it('a registrar notice sent only if still online follows the host notice, and is due 7 days after observation', async () => {
    const { notices } = await prepareNotices({ casePath: SAMPLE, now: NOW });
    const registrar = notices.find((n) => n.reference === 'PDC-2026-000123-R1')!;
    const host = notices.find((n) => n.reference === 'PDC-2026-000123-H3')!;
    expect(registrar.routing).toMatchObject({ delayDays: 7, condition: 'still-online', dueAt: '2026-12-07T15:20:10Z' });
    expect(registrar.externalRefs.followsNotice).toBe(host.id);
    expect(registrar.routing.rulesSource).toMatch(/^routing\.yaml sha256:[0-9a-f]{64}$/);
  });

  it('keeps the abuse contact with its provenance as vigie geo gave it', async () => {
    const { notices } = await prepareNotices({ casePath: SAMPLE, now: NOW });
    expect(notices[0]!.recipient.abuseContact).toEqual({
      email: 'abuse@hebergeur-fr.example',
      party: 'host',
      partyName: 'Hébergeur FR Exemple SAS',
      basis: 'role',
      provenance: ['rdap:ripe entity ABUSE-HFR1-RIPE'],
    });
  });

  it('refuses to assemble a case that lacks required fields, listing every one', async () => {
    const error = await prepareNotices({ files: { resolve: join(REPO_ROOT, 'samples/notices/resolve.jsonl') } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CaseInputError);
    const paths = (error as CaseInputError).issues.map((i) => i.path);
    expect(paths.slice(0, 6)).toEqual(['caseRef', 'notifier.organisation', 'notifier.organisationDomain', 'notifier.contactEmail', 'notifier.country', 'notifier.analystRef']);
    // No target has a category or a reasoning: asked once, case-wide.
    expect(paths.slice(6)).toEqual(['category', 'reasoning']);
  });
});

describe('validateNotice', () => {
  it('lists every missing or invalid field with its path, not only the first', async () => {
    const { notices } = await prepareNotices({ casePath: SAMPLE, now: NOW });
    const categories = await loadCategories();
    const broken = structuredClone(notices[0]!) as Notice & Record<string, unknown>;
    delete (broken.recipient as Partial<Notice['recipient']>).abuseContact;
    broken.targets[0]!.observedAt = 'yesterday';
    broken.targets[0]!.url = 'https://a.example/\r\nBcc: x@y.example';
    broken.notifier.contactEmail = 'not an address';
    broken.legal.articles = [];
    broken.legal.dsaArt16Exemption = false;
    (broken as { goodFaithStatement: unknown }).goodFaithStatement = false;
    broken.description = 'a description of CSAM';
    broken.items[0]!.hashes.sha256 = 'ZZ';
    broken.kind = 'fax' as Notice['kind'];
    const issues = validateNotice(broken, { categories });
    expect(issues.map((i) => i.path)).toEqual([
      'kind',
      'notifier.contactEmail',
      'recipient.abuseContact',
      'targets[0].url',
      'targets[0].observedAt',
      'items[0].hashes.sha256',
      'legal.articles',
      'legal.dsaArt16Exemption',
      'description',
      'goodFaithStatement',
    ]);
    expect(issues.find((i) => i.path === 'recipient.abuseContact')?.message).toContain('needs a manual recipient');
  });

  it('refuses an abuse contact that is not an e-mail address for an e-mail notice', async () => {
    const { notices } = await prepareNotices({ casePath: SAMPLE, now: NOW });
    const notice = structuredClone(notices[0]!);
    notice.recipient.abuseContact!.email = 'abuse at host dot example';
    expect(validateNotice(notice)).toEqual([{ path: 'recipient.abuseContact.email', message: 'is not an e-mail address' }]);
  });
});
