import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Notice } from '../../src/core/notice.js';
import {
  formatsFor,
  NOTICE_LANGUAGES,
  noticeLanguage,
  prepareNotices,
  renderNotice,
  type NoticeFormat,
} from '../../src/notices/index.js';
import { REPO_ROOT } from '../helpers/shared.js';
import { pdfInfo, pdfText, popplerAvailable } from './render-tools.js';

/**
 * Golden files: every notice of samples/case-example.yaml (each kind: host, registrar, PHAROS, ICCAM) in each language
 * and each of its formats, under test/notices/golden/. A change in any output is a visible diff in review. PDFs are
 * kept as what poppler reads of them (text with layout, and the metadata), since their bytes would not diff.
 * After a deliberate change: VIGIE_UPDATE_GOLDEN=1 npx vitest run test/notices/render-golden.test.ts
 */
const GOLDEN_DIR = join(REPO_ROOT, 'test/notices/golden');
const UPDATE = process.env.VIGIE_UPDATE_GOLDEN === '1';
const NOW = '2026-12-01T10:00:00Z';
const poppler = popplerAvailable();

/** Formats that do not depend on the language are kept once per notice. */
const LANGUAGE_FREE: NoticeFormat[] = ['json', 'xarf'];
const GOLDEN_EXTENSION: Record<NoticeFormat, string> = { txt: 'txt', eml: 'eml', pdf: 'pdf.txt', json: 'json', xarf: 'xarf.json' };

function goldenName(notice: Notice, format: NoticeFormat, lang: string): string {
  const language = LANGUAGE_FREE.includes(format) ? '' : `.${lang}`;
  return `${notice.reference}${language}.${GOLDEN_EXTENSION[format]}`;
}

/** What is compared: the file itself, or for a PDF its metadata and the text poppler extracts. */
function comparable(format: NoticeFormat, bytes: Uint8Array): string {
  if (format !== 'pdf') return Buffer.from(bytes).toString('utf8');
  const info = pdfInfo(bytes);
  const meta = ['Title', 'Subject', 'Author', 'Creator', 'Producer', 'CreationDate', 'Pages', 'Page size']
    .map((key) => `${key}: ${info[key] ?? ''}`)
    .join('\n');
  return `${meta}\n\n${pdfText(bytes)}`;
}

describe.skipIf(!poppler)('golden files from samples/case-example.yaml', () => {
  let notices: Notice[];

  beforeAll(async () => {
    ({ notices } = await prepareNotices({ casePath: join(REPO_ROOT, 'samples/case-example.yaml'), now: NOW }));
    if (UPDATE) mkdirSync(GOLDEN_DIR, { recursive: true });
  });

  it('the sample exercises every notice kind, in both languages by default', () => {
    expect(new Set(notices.map((notice) => notice.kind))).toEqual(new Set(['host', 'registrar', 'pharos', 'iccam']));
    expect(new Set(notices.map((notice) => noticeLanguage(notice)))).toEqual(new Set(['fr', 'en']));
    expect(notices.filter((notice) => formatsFor(notice).includes('xarf')).map((notice) => notice.kind)).toContain('host');
  });

  it('every notice × language × format equals its golden file', async () => {
    const seen: string[] = [];
    const differing: string[] = [];
    for (const notice of notices) {
      for (const format of formatsFor(notice)) {
        for (const lang of LANGUAGE_FREE.includes(format) ? [NOTICE_LANGUAGES[0]] : NOTICE_LANGUAGES) {
          const name = goldenName(notice, format, lang);
          seen.push(name);
          const actual = comparable(format, await renderNotice(notice, format, { lang }));
          const path = join(GOLDEN_DIR, name);
          if (UPDATE) writeFileSync(path, actual);
          else if (!existsSync(path) || readFileSync(path, 'utf8') !== actual) differing.push(name);
        }
      }
    }
    // Report every differing file, then show the first diff.
    if (differing.length > 0) {
      const first = differing[0];
      const format = (Object.keys(GOLDEN_EXTENSION) as NoticeFormat[]).find((key) => first.endsWith(`.${GOLDEN_EXTENSION[key]}`));
      expect.soft(differing, 'differing golden files (VIGIE_UPDATE_GOLDEN=1 rewrites them)').toEqual([]);
      const path = join(GOLDEN_DIR, first);
      const notice = notices.find((candidate) => first.startsWith(`${candidate.reference}.`))!;
      const lang = /\.(fr|en)\./.exec(first)?.[1] ?? 'fr';
      const actual = comparable(format!, await renderNotice(notice, format!, { lang }));
      expect(actual).toBe(existsSync(path) ? readFileSync(path, 'utf8') : '(missing golden file)');
    }
    // Every kind × language × format the sample has is covered.
    for (const kind of ['host', 'registrar', 'pharos', 'iccam']) {
      for (const lang of NOTICE_LANGUAGES) {
        const reference = notices.find((notice) => notice.kind === kind)!.reference;
        expect(seen).toContain(`${reference}.${lang}.txt`);
        expect(seen).toContain(`${reference}.${lang}.pdf.txt`);
      }
    }
    expect(seen.filter((name) => name.endsWith('.eml')).length).toBeGreaterThanOrEqual(4);
  });

  it('without --lang a notice is rendered in its recipient country’s language', async () => {
    for (const notice of notices) {
      const byDefault = Buffer.from(await renderNotice(notice, 'txt')).toString('utf8');
      expect(byDefault).toBe(readFileSync(join(GOLDEN_DIR, goldenName(notice, 'txt', noticeLanguage(notice))), 'utf8'));
    }
  });
});
