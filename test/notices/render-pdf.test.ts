import { describe, expect, it } from 'vitest';
import { renderPdf } from '../../src/notices/render/index.js';
import { fixtureNotice, hateNotice } from './render-fixtures.js';
import { pdfFonts, pdfInfo, pdfText, popplerAvailable } from './render-tools.js';

const poppler = popplerAvailable();

describe.skipIf(!poppler)('PDF notices read by poppler', () => {
  it('pdfinfo accepts it; pdftotext finds the reference, the (defanged) URL and the accented legal text', async () => {
    const notice = fixtureNotice('host');
    const pdf = await renderPdf(notice);
    const info = pdfInfo(pdf);
    expect(info.Pages).toMatch(/^\d+$/);
    expect(info.Title).toContain('[Signalement PDC-2026-000123-host-1]');
    expect(info.Subject).toBe('PDC-2026-000123-host-1');
    expect(info.Author).toBe('Point de Contact');
    expect(info['Page size']).toContain('A4');
    const text = pdfText(pdf);
    expect(text).toContain('PDC-2026-000123-host-1');
    expect(text).toContain('hxxps://images[.]example[.]fr/gallery/item.html');
    expect(text).not.toContain('https://images.example.fr');
    expect(text).toContain('Déclaration de bonne foi');
    expect(text).toContain('règlement (UE) 2022/2065');
    expect(text).toContain('Représentations pédopornographiques de mineurs');
    // The font is embedded (a subset of DejaVu Sans), not a standard PDF font the reader must supply.
    const fonts = pdfFonts(pdf);
    expect(fonts).toMatch(/\+DejaVuSans\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/);
    expect(fonts).not.toMatch(/Helvetica|Times|Courier/);
  });

  it('Cyrillic and Greek host names and text render as text, not empty boxes', async () => {
    const base = hateNotice('host');
    const notice = hateNotice('host', {
      targets: [
        { ...base.targets[0], url: 'https://пример.рф/страница', registrableDomain: 'пример.рф' },
        { ...base.targets[0], url: 'https://παράδειγμα.gr/σελίδα' },
      ],
      description: 'Сообщение с призывом к насилию ; μήνυμα μίσους ; « guillemets » et accents éèàçœ.',
    });
    const text = pdfText(await renderPdf(notice, { defang: false }));
    expect(text).toContain('https://пример.рф/страница');
    expect(text).toContain('https://παράδειγμα.gr/σελίδα');
    expect(text).toContain('Сообщение с призывом к насилию');
    expect(text).toContain('μήνυμα μίσους');
    expect(text).toContain('éèàçœ');
  });

  it('long notices: the reference in the header and "Page n / N" in the footer of every page', async () => {
    const base = fixtureNotice('host');
    const targets = Array.from({ length: 60 }, (_, index) => ({ ...base.targets[0], url: `https://images.example.fr/g/${index}` }));
    const pdf = await renderPdf(fixtureNotice('host', { targets }));
    const pages = Number(pdfInfo(pdf).Pages);
    expect(pages).toBeGreaterThan(2);
    for (let page = 1; page <= pages; page++) {
      const text = pdfText(pdf, page);
      expect(text).toContain('Point de Contact — PDC-2026-000123-host-1');
      expect(text).toContain(`Page ${page} / ${pages}`);
    }
    const english = await renderPdf(fixtureNotice('host', { targets }), { lang: 'en' });
    expect(pdfText(english, 1)).toContain(`Page 1 of ${Number(pdfInfo(english).Pages)}`);
  });

  it('a 300-character URL and hostile text neither break the layout nor disappear', async () => {
    const base = hateNotice('host');
    const longUrl = `https://example.com/${'a'.repeat(280)}`;
    const notice = hateNotice('host', {
      targets: [{ ...base.targets[0], url: longUrl }],
      description: '<script>alert(1)</script> {{reference}} \u202eevil\u0000',
    });
    const pdf = await renderPdf(notice, { defang: false });
    const text = pdfText(pdf).replace(/\s+/g, '');
    expect(text).toContain(longUrl.replace(/\s+/g, ''));
    expect(text).toContain('<script>alert(1)</script>{{reference}}evil');
  });

  it('the same notice gives the same bytes', async () => {
    const notice = fixtureNotice('pharos');
    expect(Buffer.compare(await renderPdf(notice), await renderPdf(notice))).toBe(0);
  });
});
