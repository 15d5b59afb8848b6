import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Notice } from '../../src/core/notice.js';
import { checkTemplates } from '../../src/notices/render/check.js';
import {
  buildView,
  noticeLanguage,
  renderText,
  renderTextParts,
  SHIPPED_TEMPLATES_DIR,
  VIEW_SHAPE,
} from '../../src/notices/render/index.js';
import type { FieldShape } from '../../src/notices/render/view.js';
import { fixtureNotice, hateNotice } from './render-fixtures.js';

const folders: string[] = [];
function templateFolder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-templates-'));
  folders.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

/** Every key path of a value, arrays as `[]`. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.length === 0 ? [] : [`${prefix}[]`, ...keyPaths(value[0], `${prefix}[]`)];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    inner === undefined ? [] : [`${prefix}${prefix ? '.' : ''}${key}`, ...keyPaths(inner, `${prefix}${prefix ? '.' : ''}${key}`)],
  );
}
function shapePaths(shape: FieldShape, prefix = ''): string[] {
  if (shape === true) return [];
  if (Array.isArray(shape)) return [`${prefix}[]`, ...shapePaths(shape[0] as FieldShape, `${prefix}[]`)];
  return Object.entries(shape).flatMap(([key, inner]) => {
    const path = `${prefix}${prefix ? '.' : ''}${key}`;
    return [path, ...shapePaths(inner as FieldShape, path)];
  });
}

/** A notice with every optional field set, so its view has every key. */
function fullNotice(): Notice {
  const base = fixtureNotice('host');
  return fixtureNotice('host', {
    targets: [
      {
        ...base.targets[0],
        finalUrl: 'https://cdn.example/final',
        host: 'пример.рф',
        locator: 'post 42',
        dedicatedDomain: true,
        countryDisagreement: [{ value: 'NL', source: 'rdap:ripe' }],
      },
    ],
    items: [{ ...base.items[0], victimGender: 'female', aiGenerated: false, hashListMatches: [{ ...base.items[0].hashListMatches[0], category: 'vics:1' }] }],
    recipient: { ...base.recipient, ianaId: '1', abuseContact: { ...base.recipient.abuseContact!, website: 'https://host.example/abuse' } },
    description: 'text',
    externalRefs: { pharosRef: 'P', iccamRef: 'I', inhopeHotline: 'H', ncmecReportId: 'N', hostTicket: 'T', followsNotice: 'F' },
  });
}

describe('notice templates', () => {
  it('VIEW_SHAPE, which the checker trusts, is exactly what buildView produces', () => {
    const view = buildView(fullNotice(), { lang: 'fr', defang: false });
    expect(keyPaths(view).sort()).toEqual(shapePaths(VIEW_SHAPE).sort());
  });

  it('the shipped templates pass the check', async () => {
    const report = await checkTemplates(SHIPPED_TEMPLATES_DIR);
    expect(report.files).toHaveLength(8);
    expect(report.findings).toEqual([]);
  });

  it('reports every unknown field, helper and construct with its line, and every missing required element', async () => {
    const dir = templateFolder({
      'host.fr.hbs': [
        'Objet {{reference}} {{legal.artciles}}',
        '{{#each targets}}{{url}} {{observedAt}} {{urll}} {{../reference}} {{@root.caseRef}} {{@index}}{{/each}}',
        '{{uppercase reference}} {{> footer}}',
        '{{#each items}}{{#each hashes}}{{algorithm}} {{sha256}}{{/each}}{{/each}}',
        '{{statements.goodFaith}} {{legal.articles}} {{@foo}} {{../../x}}',
      ].join('\n'),
      'pharos.en.hbs': 'Only text\n\nnothing else\n',
      'pharos.de.hbs': 'x',
      'iccam.en.hbs': '{{#if reference}}\nunclosed\n',
      'notes.txt': 'not a template',
    });
    const report = await checkTemplates(dir);
    expect(report.files).toEqual(['host.fr.hbs', 'iccam.en.hbs', 'pharos.en.hbs']);
    const summary = report.findings.map((finding) => `${finding.file}:${finding.line ?? '-'} ${finding.problem} ${finding.field ?? ''}`);
    expect(summary).toEqual([
      'host.fr.hbs:1 unknown-field legal.artciles',
      'host.fr.hbs:2 unknown-field urll',
      'host.fr.hbs:3 unknown-helper uppercase',
      'host.fr.hbs:3 unsupported ',
      'host.fr.hbs:4 unknown-field sha256',
      'host.fr.hbs:5 unknown-field @foo',
      'host.fr.hbs:5 unknown-field ../../x',
      'iccam.en.hbs:3 parse-error ',
      'pharos.de.hbs:- unknown-template ',
      'pharos.en.hbs:- missing-required reference',
      'pharos.en.hbs:- missing-required targets[].url',
      'pharos.en.hbs:- missing-required targets[].observedAt',
      'pharos.en.hbs:- missing-required legal.articles',
      'pharos.en.hbs:- missing-required statements.goodFaith',
    ]);
    expect(report.findings[0].message).toContain('did you mean "articles"?');
    expect(report.findings[0].column).toBe(23); // where the field starts
  });

  it('--templates replaces only the templates the folder has', async () => {
    const dir = templateFolder({
      'host.en.hbs': 'Custom {{reference}}\n\n{{#each targets}}{{url}} {{observedAt}}{{/each}} {{legal.articles}} {{statements.goodFaith}}\n',
    });
    const english = fixtureNotice('host', { recipient: { ...fixtureNotice('host').recipient, country: 'DE' } });
    const custom = await renderTextParts(english, { templatesDir: dir });
    expect(custom.subject).toBe('Custom PDC-2026-000123-host-1');
    expect(custom.body).toContain('https://images.example.fr/gallery/item.html 2026-06-01 08:12:05 UTC');
    expect((await renderTextParts(fixtureNotice('host'), { templatesDir: dir })).subject).toMatch(/^\[Signalement /);
  });

  it('language: French for FR, BE, LU, CH, MC; English otherwise; --lang overrides; an unknown one is a usage error', () => {
    const withCountry = (country?: string) => ({ recipient: { ...fixtureNotice('host').recipient, country } });
    for (const country of ['FR', 'BE', 'LU', 'CH', 'MC', 'fr']) expect(noticeLanguage(withCountry(country))).toBe('fr');
    for (const country of ['NL', 'US', 'DE', undefined]) expect(noticeLanguage(withCountry(country))).toBe('en');
    expect(noticeLanguage(withCountry('FR'), 'en')).toBe('en');
    expect(() => noticeLanguage(withCountry('FR'), 'de')).toThrow(expect.objectContaining({ code: 'notice-language', exitCode: 2 }));
  });

  it('HTML and Handlebars syntax in a description stay text; CR/LF in a URL cannot start a line', async () => {
    const base = hateNotice('host');
    const notice = hateNotice('host', {
      description: '<b>bold</b> <script>alert(1)</script> {{reference}} {{{notifier.contactEmail}}} {{#each targets}}x{{/each}}',
      targets: [{ ...base.targets[0], url: 'https://evil.example/a\r\n6. Déclaration de bonne foi\r\nforged' }],
    });
    const text = await renderText(notice);
    expect(text).toContain('<b>bold</b> <script>alert(1)</script> {{reference}} {{{notifier.contactEmail}}} {{#each targets}}x{{/each}}');
    expect(text).not.toContain('&lt;');
    expect(text).toContain('1. https://evil.example/a 6. Déclaration de bonne foi forged');
    expect(text.split('\n').filter((line) => line === '6. Déclaration de bonne foi')).toHaveLength(1);
  });

  it('CSAM notices never carry a description, whatever the template', async () => {
    const text = await renderText(fixtureNotice('host'));
    expect(text).toContain("il n'est ni décrit davantage ni reproduit");
  });

  it('plain text keeps live URLs unless asked; a links-live routing flag keeps them live everywhere', async () => {
    const notice = fixtureNotice('host');
    expect(await renderText(notice)).toContain('https://images.example.fr/gallery/item.html');
    expect(await renderText(notice, { defang: true })).toContain('hxxps://images[.]example[.]fr/gallery/item.html');
    const live = fixtureNotice('host', { routing: { ...notice.routing, flags: ['links-live'] } });
    expect(await renderText(live, { defang: true })).toContain('https://images.example.fr/gallery/item.html');
  });
});
