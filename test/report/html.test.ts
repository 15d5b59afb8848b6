import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderReportHtml } from '../../src/triage/report/html.js';
import { REPO_ROOT } from '../helpers/shared.js';
import { sampleFigures } from './figures-fixture.js';

const CHROMIUM = process.env.VIGIE_CHROMIUM ?? '/usr/bin/chromium';

/** The cells of one section's table: [label, count, share?] per row, as text. */
function tableRows(html: string, id: string): string[][] {
  const section = html.match(new RegExp(`<section id="${id}">(.*?)</section>`, 's'))?.[1] ?? '';
  const body = section.match(/<tbody>(.*?)<\/tbody>/s)?.[1] ?? '';
  return [...body.matchAll(/<tr>(.*?)<\/tr>/gs)].map((row) =>
    [...row[1].matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/gs)].map((cell) => cell[1]),
  );
}

describe('HTML report', () => {
  it('every label exists in both languages', () => {
    const labels = JSON.parse(readFileSync(join(REPO_ROOT, 'data/report/labels.json'), 'utf8'));
    const keys = (value: unknown, prefix = ''): string[] =>
      typeof value === 'object' && value
        ? Object.entries(value).flatMap(([key, inner]) => keys(inner, `${prefix}${key}.`))
        : [prefix];
    expect(keys(labels.fr).sort()).toEqual(keys(labels.en).sort());
  });

  it('has every section, with the figures in its tables, in French and English', async () => {
    const figures = sampleFigures();
    for (const lang of ['fr', 'en'] as const) {
      const html = await renderReportHtml(figures, { lang, categoryLabels: { csam: lang === 'fr' ? 'Pédocriminalité' : 'Child sexual abuse' } });
      expect(html).toContain(`<html lang="${lang}">`);
      for (const id of ['key-figures', 'categories', 'sources', 'months', 'countries-europe', 'countries-world', 'tlds', 'providers', 'notices', 'removal']) {
        expect(html, id).toContain(`<section id="${id}">`);
      }
      expect((html.match(/<svg /g) ?? []).length).toBe(9);
      const categories = tableRows(html, 'categories');
      expect(categories[0][0]).toBe(lang === 'fr' ? 'Pédocriminalité' : 'Child sexual abuse');
      expect(categories.map((row) => row[1])).toEqual(['500', '90', '50']);
      // Months in calendar order whatever the order counted; the world ranking largest first, Europe only European.
      expect(tableRows(html, 'months').map((row) => row[0])).toEqual(['2026-01', '2026-02', '2026-03']);
      expect(tableRows(html, 'countries-world').map((row) => row[0])[0]).toMatch(/\(NL\)$/);
      expect(tableRows(html, 'countries-europe').map((row) => row[0]).join()).not.toMatch(/\(US\)/);
      // Removal buckets are disjoint and add up to the URLs under notice.
      const removal = tableRows(html, 'removal').map((row) => Number(row[1]));
      expect(removal).toEqual([200, 220, 80, 40, 60]);
      expect(removal.reduce((a, b) => a + b)).toBe(figures.removal.underNotice);
    }
  });

  it('keeps the rankings short: past --top, the rest is one "others" row with their sum', async () => {
    const tlds = Array.from({ length: 30 }, (_, i) => ({ key: `t${i}`, count: 100 - i }));
    const html = await renderReportHtml(sampleFigures({ tlds }), { lang: 'en', top: 10 });
    const rows = tableRows(html, 'tlds');
    expect(rows).toHaveLength(11);
    expect(rows[10][0]).toBe('Others');
    expect(Number(rows[10][1].replace(/\D/g, ''))).toBe(tlds.slice(10).reduce((total, row) => total + row.count, 0));
  });

  it('escapes hostile names from the store and requests nothing', async () => {
    const html = await renderReportHtml(sampleFigures(), { lang: 'en' });
    expect(html).not.toMatch(/<script|<img|<b>|onerror=alert\('host'\)>/);
    expect(html).toContain('&#60;script&#62;alert(&#34;category&#34;)&#60;/script&#62;');
    // No attribute that loads anything (attribute names of every tag, values aside); the only URLs are XML namespaces.
    const attributes = new Set(
      [...html.matchAll(/<[a-zA-Z][^\s>/]*((?:\s+[^\s=>]+(?:="[^"]*")?)*)\s*\/?>/g)].flatMap((tag) =>
        tag[1].replace(/="[^"]*"/g, '').trim().split(/\s+/).map((name) => name.toLowerCase()),
      ),
    );
    for (const loading of ['src', 'href', 'xlink:href', 'srcset', 'poster', 'data', 'action', 'background']) {
      expect(attributes.has(loading), loading).toBe(false);
    }
    expect(attributes.has('aria-label')).toBe(true);
    expect(html).not.toMatch(/url\(|@import/i);
    expect(html.match(/https?:\/\/[^"\s]+/g)?.every((url) => url.startsWith('http://www.w3.org/'))).toBe(true);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
  });

  it('an empty period renders, saying there is no data, without dividing by zero', async () => {
    const empty = sampleFigures({
      reports: 0, assessed: 0, illegal: 0, byCategory: [], bySource: [], byMonth: [], hostingCountries: [], tlds: [],
      hostingProviders: [], noticesByKind: [],
      removal: { underNotice: 0, removed: 0, sameDay: 0, within3Days: 0, within7Days: 0 },
    });
    const html = await renderReportHtml(empty, { lang: 'fr' });
    expect(html).not.toMatch(/NaN|Infinity|<svg /);
    expect(html.match(/Aucune donnée pour la période/g)).toHaveLength(9);
  });

  describe.skipIf(!existsSync(CHROMIUM))('in headless Chromium', () => {
    it('opens with no console error and no request leaving the file; a screenshot is taken', async () => {
      const { chromium } = await import('playwright-core');
      const dir = mkdtempSync(join(tmpdir(), 'vigie-report-'));
      const file = join(dir, 'report.html');
      writeFileSync(file, await renderReportHtml(sampleFigures(), { lang: 'fr' }));
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
          '--disable-component-update', '--disable-sync'],
      });
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const problems: string[] = [];
        const requests: string[] = [];
        page.on('console', (message) => { if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text()); });
        page.on('pageerror', (error) => problems.push(error.message));
        page.on('request', (request) => requests.push(request.url()));
        await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
        expect(problems).toEqual([]);
        expect(requests).toEqual([pathToFileURL(file).href]);
        expect(await page.locator('svg').count()).toBe(9);
        expect(await page.title()).toContain("Rapport d'activité");
        const png = await page.screenshot({ fullPage: true, path: join(dir, 'report.png') });
        expect(png.subarray(1, 4).toString()).toBe('PNG');
      } finally {
        await browser.close();
      }
    });
  });
});
