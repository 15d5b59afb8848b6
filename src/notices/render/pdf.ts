import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Notice } from '../../core/notice.js';
import { singleLine } from './escape.js';
import type { RenderOptions } from './options.js';
import { renderTemplate } from './templates.js';
import { buildView, noticeLanguage } from './view.js';

/**
 * DejaVu Sans (dejavu-fonts-ttf) covers Latin with French accents, Greek and Cyrillic: host names and descriptions in
 * those scripts render, not as empty boxes. pdfkit embeds only the glyphs used (a subset), so a notice stays small.
 */
const require = createRequire(import.meta.url);
const FONT_FILES = {
  regular: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
  bold: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
} as const;
type FontStyle = keyof typeof FONT_FILES;
/**
 * The fonts as files, then, once a document has parsed them, as pdfkit's parsed (fontkit) font objects: pdfkit
 * accepts those too, and parsing 1.4 MB of TrueType for every notice cost most of a PDF's rendering time.
 */
const fontSources: Partial<Record<FontStyle, unknown>> = {};
let fontFiles: Promise<Record<FontStyle, Buffer>> | undefined;

async function fontSource(style: FontStyle): Promise<unknown> {
  if (fontSources[style] !== undefined) return fontSources[style];
  fontFiles ??= Promise.all([readFile(FONT_FILES.regular), readFile(FONT_FILES.bold)]).then(([regular, bold]) => ({
    regular,
    bold,
  }));
  return (await fontFiles)[style];
}

/**
 * Word layouts (OpenType shaping, most of a PDF's rendering time) shared by every document, bounded so that a bundle
 * of 10,000 notices does not grow it without end. pdfkit only reads the cached runs.
 */
const MAX_CACHED_WORDS = 20_000;
const layoutCaches: Partial<Record<FontStyle, Record<string, unknown>>> = {};

/**
 * After `doc.font(style)`: keeps the parsed font (pdfkit's `_font.font`) for the next documents and gives the
 * document's font the shared layout cache. Both are pdfkit internals: when absent, pdfkit just does its own work.
 */
function shareFontWork(doc: PDFKit.PDFDocument, style: FontStyle): void {
  const font = (doc as unknown as { _font?: { font?: { layout?: unknown }; layoutCache?: Record<string, unknown> } })._font;
  if (fontSources[style] === undefined && typeof font?.font?.layout === 'function') fontSources[style] = font.font;
  if (font?.layoutCache === undefined) return;
  let cache = layoutCaches[style];
  if (cache === undefined || Object.keys(cache).length > MAX_CACHED_WORDS) cache = layoutCaches[style] = Object.create(null) as Record<string, unknown>;
  font.layoutCache = cache;
}

const MARGIN = { top: 64, bottom: 64, left: 56, right: 56 };

/**
 * The text notice as an A4 PDF: the reference and the notifier in the header of every page, "page n / N" in the
 * footer, the subject as title, then the body. Metadata (title, author, creation date = the notice's) are set so the
 * same notice gives the same bytes. URLs are defanged by default, since PDF viewers turn URLs into links.
 */
export async function renderPdf(notice: Notice, options: RenderOptions = {}): Promise<Buffer> {
  const lang = noticeLanguage(notice, options.lang);
  const view = buildView(notice, { lang, defang: options.defang ?? true });
  const { subject, body } = await renderTemplate(notice.kind, view, options.templatesDir);
  const [{ default: PDFDocument }, regular, bold] = await Promise.all([
    import('pdfkit'),
    fontSource('regular'),
    fontSource('bold'),
  ]);
  const created = new Date(notice.createdAt);
  const doc = new PDFDocument({
    size: 'A4',
    margins: MARGIN,
    bufferPages: true,
    // No default font: pdfkit would otherwise read Helvetica's metrics, which cannot show Cyrillic or Greek anyway.
    font: null as unknown as string,
    lang: lang === 'fr' ? 'fr-FR' : 'en-GB',
    displayTitle: true,
    info: {
      Title: subject,
      Author: view.notifier.organisation,
      Subject: view.reference,
      Creator: view.generator,
      Producer: view.generator,
      CreationDate: created,
      ModDate: created,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  doc.registerFont('regular', regular as Buffer);
  doc.registerFont('bold', bold as Buffer);
  doc.font('bold');
  shareFontWork(doc, 'bold');
  doc.fontSize(13).text(subject, { align: 'left' });
  doc.moveDown(0.8);
  doc.font('regular');
  shareFontWork(doc, 'regular');
  doc.fontSize(10).text(body, { align: 'left', lineGap: 1.5 });

  const header = singleLine(`${view.notifier.organisation} — ${view.reference}`);
  const range = doc.bufferedPageRange();
  for (let index = range.start; index < range.start + range.count; index++) {
    doc.switchToPage(index);
    // Writing inside the margins would make pdfkit start a new page: lift them while the header and footer are drawn.
    const { top, bottom } = doc.page.margins;
    doc.page.margins.top = 0;
    doc.page.margins.bottom = 0;
    const width = doc.page.width - MARGIN.left - MARGIN.right;
    doc.font('regular').fontSize(8).fillColor('#444444');
    doc.text(header, MARGIN.left, 28, { width, align: 'left', lineBreak: false, ellipsis: true });
    const pageLabel = lang === 'fr' ? `Page ${index + 1} / ${range.count}` : `Page ${index + 1} of ${range.count}`;
    doc.text(pageLabel, MARGIN.left, doc.page.height - 40, { width, align: 'center', lineBreak: false });
    doc.fillColor('black');
    doc.page.margins.top = top;
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}
