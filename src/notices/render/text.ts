import type { Notice } from '../../core/notice.js';
import type { RenderOptions } from './options.js';
import { renderTemplate, type RenderedTemplate } from './templates.js';
import { buildView, noticeLanguage } from './view.js';

/**
 * The notice as plain text from its template: subject line, blank line, body. URLs are written as they are by default
 * (the text is pasted into PHAROS's and ICCAM's web forms); `defang: true` brackets them.
 */
export async function renderTextParts(notice: Notice, options: RenderOptions = {}): Promise<RenderedTemplate> {
  const view = buildView(notice, { lang: noticeLanguage(notice, options.lang), defang: options.defang ?? false });
  return renderTemplate(notice.kind, view, options.templatesDir);
}

export async function renderText(notice: Notice, options: RenderOptions = {}): Promise<string> {
  return (await renderTextParts(notice, options)).text;
}

/** The notice as JSON: the model as is (camelCase keys), two-space indented, one final newline. */
export function renderJson(notice: Notice): string {
  return `${JSON.stringify(notice, null, 2)}\n`;
}
