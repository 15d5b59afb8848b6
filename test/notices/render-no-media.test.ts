import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { constants, inflateSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Notice } from '../../src/core/notice.js';
import { formatsFor, NOTICE_LANGUAGES, prepareNotices, renderNotice } from '../../src/notices/index.js';
import { REPO_ROOT } from '../helpers/shared.js';
import { parseEmail, pythonAvailable } from './render-tools.js';

/**
 * No media, ever: the sample case joins `vigie match` records (samples/notices/match.jsonl) whose `path` points at real
 * image files in samples/. Every notice is rendered in every language and format, and no byte sequence of those
 * images appears in any output: neither raw (also inside the PDF's compressed streams) nor base64 (also in the
 * decoded parts of the .eml), nor their file names.
 */
const WINDOW = 32;
const STEP = 16;

/** Windows of `WINDOW` characters at every `STEP`: any copied run of WINDOW + STEP - 1 characters contains one. */
function windows(text: string, step = STEP, width = WINDOW): Set<string> {
  const set = new Set<string>();
  for (let start = 0; start + width <= text.length; start += step) set.add(text.slice(start, start + width));
  return set;
}

/** The first place `haystack` holds one of the windows, checked at every offset. */
function findWindow(haystack: string, needles: Set<string>, width = WINDOW): number {
  for (let start = 0; start + width <= haystack.length; start++) if (needles.has(haystack.slice(start, start + width))) return start;
  return -1;
}

/** The PDF itself and every FlateDecode stream inflated: an image could hide compressed in one. */
function pdfLayers(pdf: Buffer): string[] {
  const layers = [pdf.toString('latin1')];
  const text = layers[0];
  const streamStart = /(?<!end)stream\r?\n/g;
  let match: RegExpExecArray | null;
  while ((match = streamStart.exec(text)) !== null) {
    const start = match.index + match[0].length;
    const end = text.indexOf('endstream', start);
    if (end < 0) break;
    try {
      layers.push(inflateSync(pdf.subarray(start, end), { finishFlush: constants.Z_SYNC_FLUSH }).toString('latin1'));
    } catch {
      // Not a Flate stream: the raw layer already covers it.
    }
    streamStart.lastIndex = end;
  }
  return layers;
}

describe('no media in any notice output', () => {
  let notices: Notice[];
  let images: { path: string; raw: Set<string>; base64: Set<string> }[];

  beforeAll(async () => {
    ({ notices } = await prepareNotices({ casePath: join(REPO_ROOT, 'samples/case-example.yaml'), now: '2026-12-01T10:00:00Z' }));
    const records = readFileSync(join(REPO_ROOT, 'samples/notices/match.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as { path: string; hashes: { sha256: string } });
    images = records.map((record) => {
      const bytes = readFileSync(join(REPO_ROOT, record.path));
      // The record really is about that file: the test is not vacuous.
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(record.hashes.sha256);
      const base64 = new Set<string>();
      // Base64 of a run depends on where it starts modulo 3: one encoding per alignment, windows on 4-character quanta.
      for (const alignment of [0, 1, 2]) {
        for (const window of windows(bytes.subarray(alignment).toString('base64'), 4, 44)) base64.add(window);
      }
      return { path: record.path, raw: windows(bytes.toString('latin1')), base64 };
    });
  });

  it('the sample notices carry items from those match records', () => {
    const hashes = new Set(notices.flatMap((notice) => notice.items.map((item) => item.hashes.sha256)));
    const matched = images.filter((image) => {
      const sha = createHash('sha256').update(readFileSync(join(REPO_ROOT, image.path))).digest('hex');
      return hashes.has(sha);
    });
    expect(matched.length).toBeGreaterThanOrEqual(2);
  });

  it.skipIf(!pythonAvailable())('no byte sequence of the images, raw or base64, in any format', async () => {
    let outputs = 0;
    for (const notice of notices) {
      for (const format of formatsFor(notice)) {
        for (const lang of NOTICE_LANGUAGES) {
          const bytes = Buffer.from(await renderNotice(notice, format, { lang }));
          outputs++;
          const layers = format === 'pdf' ? pdfLayers(bytes) : [bytes.toString('latin1')];
          if (format === 'eml') {
            const parsed = parseEmail(bytes);
            layers.push(parsed.body, ...parsed.attachments.map((attachment) => attachment.content));
            for (const attachment of parsed.attachments) expect(attachment.contentType).not.toMatch(/^(image|video)\//);
          }
          if (format === 'pdf') {
            expect(layers[0]).not.toMatch(/\/Subtype\s*\/Image/);
            expect(layers.length, 'the PDF streams were inflated and searched too').toBeGreaterThan(3);
          }
          const where = `${notice.reference} ${format} ${lang}`;
          for (const layer of layers) {
            const flat = layer.replace(/[\r\n]/g, '');
            for (const image of images) {
              expect(findWindow(layer, image.raw), `${where}: raw bytes of ${image.path}`).toBe(-1);
              expect(findWindow(flat, image.base64, 44), `${where}: base64 of ${image.path}`).toBe(-1);
              expect(layer.includes(basename(image.path)), `${where}: file name of ${image.path}`).toBe(false);
            }
          }
        }
      }
    }
    expect(outputs).toBeGreaterThan(40);
  });

  it('the search would find an image if one were embedded (a check on the test)', () => {
    const image = images[0];
    const bytes = readFileSync(join(REPO_ROOT, image.path));
    const planted = `before ${bytes.subarray(100, 200).toString('latin1')} after`;
    expect(findWindow(planted, image.raw)).toBeGreaterThan(0);
    const base64 = `x${bytes.subarray(101, 260).toString('base64').replace(/(.{76})/g, '$1\r\n')}`.replace(/[\r\n]/g, '');
    expect(findWindow(base64, image.base64, 44)).toBeGreaterThanOrEqual(0);
  });
});
