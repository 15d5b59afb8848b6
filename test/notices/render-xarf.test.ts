import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildXarf, renderXarf } from '../../src/notices/render/index.js';
import { sharedPath } from '../helpers/shared.js';
import { fixtureNotice, hateNotice } from './render-fixtures.js';

const XARF_DIR = sharedPath('reference/xarf');
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/** The XARF v4 master schema with every type schema registered under its $id, so references resolve offline. */
function xarfValidator(dir: string) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const schemaDir = join(dir, 'schemas/v4');
  const files = [
    ...readdirSync(schemaDir)
      .filter((name) => name.endsWith('.json'))
      .map((name) => join(schemaDir, name)),
    ...readdirSync(join(schemaDir, 'types')).map((name) => join(schemaDir, 'types', name)),
  ];
  for (const file of files) ajv.addSchema(JSON.parse(readFileSync(file, 'utf8')) as object);
  const validate = ajv.getSchema('https://xarf.org/schemas/v4/xarf-v4-master.json');
  if (!validate) throw new Error('XARF master schema not registered');
  return validate;
}

describe.skipIf(!XARF_DIR)('XARF v4 reports validate against the xarf-spec schemas', () => {
  let validate: ReturnType<typeof xarfValidator>;
  const errors = () => JSON.stringify(validate.errors, null, 1);

  beforeAll(() => {
    validate = xarfValidator(XARF_DIR!);
  });

  it("the spec's own valid samples pass (a check on the validator)", () => {
    const samples = readdirSync(join(XARF_DIR!, 'samples/v4'));
    expect(samples.length).toBeGreaterThanOrEqual(3);
    for (const sample of samples) {
      const report = JSON.parse(readFileSync(join(XARF_DIR!, 'samples/v4', sample), 'utf8')) as unknown;
      expect(validate(report), `${sample}: ${errors()}`).toBe(true);
    }
  });

  it('and the validator rejects a csam report without its required classification', () => {
    const report = JSON.parse(readFileSync(join(XARF_DIR!, 'samples/v4/content-csam.json'), 'utf8')) as Record<string, unknown>;
    delete report.classification;
    expect(validate(report)).toBe(false);
  });

  it('a CSAM host notice: content/csam with hashes, occurrences with the IP at observation', () => {
    const notice = fixtureNotice('host');
    const report = JSON.parse(renderXarf(notice)) as Record<string, unknown>;
    expect(validate(report), errors()).toBe(true);
    expect(report).toMatchObject({
      xarf_version: '4.2.0',
      report_id: notice.id,
      category: 'content',
      type: 'csam',
      source_identifier: '192.0.2.10',
      source_port: 443,
      url: 'https://images.example.fr/gallery/item.html',
      classification: 'A1',
      detection_method: 'hash_match',
      hash_values: { sha256: notice.items[0].hashes.sha256, md5: notice.items[0].hashes.md5 },
      occurrences: [{ url: notice.targets[0].url, ip: '192.0.2.10', port: 443, observed_at: notice.targets[0].observedAt }],
      country_code: 'FR',
      asn: 64500,
    });
    expect(report).not.toHaveProperty('evidence');
    // CSAM is never described beyond its classification.
    expect(report.description).toBe('Child sexual abuse material (French law: Code pénal art. 227-23, Directive 2011/93/UE)');
  });

  it('grooming maps to csem; several items and targets; a Unicode host name is written as RFC 3986 wants', () => {
    const base = fixtureNotice('host');
    const notice = fixtureNotice('host', {
      legal: { ...base.legal, category: 'grooming', xarfType: 'csem' },
      targets: [
        { ...base.targets[0], url: 'https://пример.рф/страница', ip: '2001:db8::5', port: 8443 },
        { ...base.targets[0], url: 'https://παράδειγμα.gr/a b', ip: undefined, port: undefined },
      ],
      items: [base.items[0], { ...base.items[0], mediaType: 'video', hashes: { sha256: 'a'.repeat(64) }, hashListMatches: [] }],
    });
    const report = buildXarf(notice);
    expect(validate(report), errors()).toBe(true);
    expect(report.type).toBe('csem');
    expect(report.exploitation_type).toBe('grooming');
    expect(report.detection_method).toBe('manual_review');
    expect(report.url).toBe('https://xn--e1afmkfd.xn--p1ai/%D1%81%D1%82%D1%80%D0%B0%D0%BD%D0%B8%D1%86%D0%B0');
    expect(report.source_identifier).toBe('2001:db8::5');
    expect(report.media_type).toBe('mixed');
    expect(report.occurrences).toHaveLength(2);
    expect(report.items).toHaveLength(2);
  });

  it('a notice without hash-list matches or items is still valid (manual review)', () => {
    const notice = fixtureNotice('host', { items: [] });
    const report = buildXarf(notice);
    expect(validate(report), errors()).toBe(true);
    expect(report.detection_method).toBe('manual_review');
    expect(report.classification).toBe('baseline');
  });

  it('refuses a category XARF v4 has no content type for', () => {
    expect(() => buildXarf(hateNotice('host'))).toThrow(/XARF v4 has no content type for category "hate_provocation"/);
  });
});
