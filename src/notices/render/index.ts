import type { Notice } from '../../core/notice.js';
import { renderEml } from './eml.js';
import type { RenderOptions } from './options.js';
import { renderPdf } from './pdf.js';
import { renderJson, renderText } from './text.js';
import { renderXarf, xarfType } from './xarf.js';

export { renderEml, messageId } from './eml.js';
export type { RenderOptions } from './options.js';
export { renderPdf } from './pdf.js';
export { renderJson, renderText, renderTextParts } from './text.js';
export type { RenderedTemplate } from './templates.js';
export { SHIPPED_TEMPLATES_DIR, templateFileName } from './templates.js';
export { buildView, noticeLanguage, NOTICE_LANGUAGES, VIEW_SHAPE } from './view.js';
export type { NoticeLanguage, TemplateView } from './view.js';
export { buildXarf, renderXarf, xarfType, XARF_VERSION } from './xarf.js';
export type { XarfType } from './xarf.js';
export { defangHost, defangUrl, headerValue, multiLine, singleLine } from './escape.js';

/** Every output format; `formatsFor` says which apply to a notice. */
export const NOTICE_FORMATS = ['txt', 'eml', 'pdf', 'json', 'xarf'] as const;
export type NoticeFormat = (typeof NOTICE_FORMATS)[number];

/** File name endings per format (issue 13): `.txt`, `.eml`, `.pdf`, `.json`, `.xarf.json`. */
export const FORMAT_EXTENSIONS: Record<NoticeFormat, string> = {
  txt: '.txt',
  eml: '.eml',
  pdf: '.pdf',
  json: '.json',
  xarf: '.xarf.json',
};

/**
 * The formats a notice is written in: text, PDF and JSON always (PHAROS reports and ICCAM referrals are entered in web
 * platforms: copy-ready text, PDF, JSON); `.eml` for notices that travel by e-mail (host, registrar) to a known address
 * (one without needs a manual recipient: its text and PDF are still written); XARF for host notices whose category
 * XARF v4 has a type for. `renderEml` refuses an address that is not one.
 */
export function formatsFor(notice: Notice): NoticeFormat[] {
  return NOTICE_FORMATS.filter((format) => {
    if (format === 'eml') return notice.transport.channel === 'email' && notice.recipient.abuseContact?.email !== undefined;
    if (format === 'xarf') return notice.kind === 'host' && xarfType(notice) !== undefined;
    return true;
  });
}

/** Renders one notice in one format, as the bytes of the file. */
export async function renderNotice(notice: Notice, format: NoticeFormat, options: RenderOptions = {}): Promise<Uint8Array> {
  switch (format) {
    case 'txt':
      return Buffer.from(await renderText(notice, options), 'utf8');
    case 'eml':
      return renderEml(notice, options);
    case 'pdf':
      return renderPdf(notice, options);
    case 'json':
      return Buffer.from(renderJson(notice), 'utf8');
    case 'xarf':
      return Buffer.from(renderXarf(notice), 'utf8');
  }
}
