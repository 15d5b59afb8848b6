import { describe, expect, it } from 'vitest';
import { VigieError } from '../../src/core/errors.js';
import { join } from 'node:path';
import { formatsFor, NOTICE_LANGUAGES, prepareNotices } from '../../src/notices/index.js';
import { renderEml, renderXarf } from '../../src/notices/render/index.js';
import { REPO_ROOT } from '../helpers/shared.js';
import { fixtureNotice, hateNotice } from './render-fixtures.js';
import { headerValues, parseEmail, pythonAvailable } from './render-tools.js';

const python = pythonAvailable();

/** Every header of the raw message, unfolded, as RFC 5322 wants it: ASCII only, lines ≤ 998 characters. */
function rawHeaderBlock(eml: Buffer): string {
  const text = eml.toString('latin1');
  return text.slice(0, text.indexOf('\r\n\r\n'));
}

describe.skipIf(!python)('.eml notices parsed by Python email', () => {
  it('host notice in French: headers, body, xarf.json attachment', async () => {
    const notice = fixtureNotice('host');
    const eml = await renderEml(notice);
    const parsed = parseEmail(eml);
    expect(parsed.defects).toEqual([]);
    expect(headerValues(parsed, 'From')).toEqual(['Point de Contact <signalement@pointdecontact.example>']);
    expect(headerValues(parsed, 'To')).toEqual(['Hébergeur Exemple SAS <abuse@hebergeur.example>']);
    const [subject] = headerValues(parsed, 'Subject');
    expect(subject).toMatch(/^\[Signalement PDC-2026-000123-host-1\] Contenu manifestement illicite – Représentations/);
    expect(subject).toContain('example[.]fr');
    expect(new Date(headerValues(parsed, 'Date')[0]).toISOString()).toBe(notice.createdAt);
    expect(headerValues(parsed, 'Message-ID')).toEqual([`<${notice.id}@pointdecontact.example>`]);
    expect(headerValues(parsed, 'MIME-Version')).toEqual(['1.0']);
    expect(parsed.bodyContentType).toBe('text/plain');
    expect(parsed.body).toContain('1. hxxps://images[.]example[.]fr/gallery/item.html');
    expect(parsed.body).not.toContain('https://images.example.fr');
    expect(parsed.body).toContain('Déclaration de bonne foi');
    expect(parsed.body).toContain('Constaté le : 2026-06-01 08:12:05 UTC (2026-06-01 10:12:05 Europe/Paris, UTC+02:00)');
    expect(parsed.attachments).toHaveLength(1);
    expect(parsed.attachments[0].filename).toBe('xarf.json');
    expect(parsed.attachments[0].contentType).toBe('application/json');
    expect(JSON.parse(parsed.attachments[0].content)).toEqual(JSON.parse(renderXarf(notice)));
    // RFC 5322 §2.1.1 / RFC 2047: header section is ASCII, every line within 998 characters.
    const headerBlock = rawHeaderBlock(eml);
    expect(headerBlock).toMatch(/^[\x20-\x7e\r\n\t]*$/);
    for (const line of headerBlock.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
  });

  it('English for a recipient outside the French-speaking countries, --lang overrides', async () => {
    const notice = fixtureNotice('host', { recipient: { ...fixtureNotice('host').recipient, country: 'NL' } });
    const english = parseEmail(await renderEml(notice));
    expect(headerValues(english, 'Subject')[0]).toMatch(/^\[Report PDC-2026-000123-host-1\] Illegal content – Child sexual abuse material/);
    expect(headerValues(english, 'Content-Language')).toEqual(['en']);
    expect(english.body).toContain('Good-faith statement');
    const french = parseEmail(await renderEml(notice, { lang: 'fr' }));
    expect(headerValues(french, 'Subject')[0]).toContain('Signalement');
  });

  it('registrar notices and host notices without a XARF type carry no attachment', async () => {
    for (const notice of [fixtureNotice('registrar'), hateNotice('host')]) {
      const parsed = parseEmail(await renderEml(notice));
      expect(parsed.defects).toEqual([]);
      expect(parsed.attachments).toEqual([]);
      expect(parsed.body).toContain(notice.reference);
    }
  });

  it('the same notice gives the same bytes, every line ending in CRLF (what an SMTP server receives)', async () => {
    const notice = fixtureNotice('host');
    const eml = await renderEml(notice);
    expect(Buffer.compare(eml, await renderEml(notice))).toBe(0);
    expect(eml.toString('latin1')).not.toMatch(/[^\r]\n|\r[^\n]/);
    expect(eml.subarray(-2).toString()).toBe('\r\n');
  });

  it('quotes and addresses in display names stay display names', async () => {
    const base = fixtureNotice('host');
    const notice = fixtureNotice('host', {
      recipient: { ...base.recipient, name: 'Evil" <attacker@evil.example>, "x' },
      notifier: { ...base.notifier, organisation: 'Org <other@evil.example>' },
    });
    const parsed = parseEmail(await renderEml(notice));
    expect(parsed.defects).toEqual([]);
    expect(parsed.to).toEqual(['abuse@hebergeur.example']);
    expect(parsed.from).toEqual(['signalement@pointdecontact.example']);
  });

  it('CR/LF in a URL, a reference, a recipient name or a description never adds a header', async () => {
    const base = fixtureNotice('host');
    const injection = '\r\nBcc: victim@attacker.example\r\nX-Injected: yes';
    const notice = fixtureNotice('host', {
      reference: `PDC-1${injection}`,
      recipient: { ...base.recipient, name: `Host${injection}` },
      targets: [{ ...base.targets[0], url: `https://evil.example/a${injection}`, registrableDomain: `evil.example${injection}` }],
      description: `line one${injection}\r\n\r\nline two`,
    });
    const eml = await renderEml(notice);
    const parsed = parseEmail(eml);
    expect(parsed.defects).toEqual([]);
    const names = parsed.headers.map(([name]) => name.toLowerCase()).sort();
    expect(names).toEqual(['content-language', 'content-type', 'date', 'from', 'message-id', 'mime-version', 'subject', 'to']);
    expect(headerValues(parsed, 'To')).toEqual(['"Host Bcc: victim@attacker.example X-Injected: yes" <abuse@hebergeur.example>']);
    expect(parsed.to).toEqual(['abuse@hebergeur.example']);
    const [subject] = headerValues(parsed, 'Subject');
    expect(subject).not.toMatch(/[\r\n]/);
    expect(subject).toContain('PDC-1 Bcc: victim@attacker.example');
    expect(rawHeaderBlock(eml)).not.toMatch(/^(Bcc|X-Injected):/im);
  });

  it('refuses a contact that is not one e-mail address, and a notice without one', async () => {
    const base = fixtureNotice('host');
    for (const email of ['not an address', 'abuse@host.example\r\nBcc: x@y.example', 'a@b.example, c@d.example', '<a@b.example>']) {
      const notice = fixtureNotice('host', { recipient: { ...base.recipient, abuseContact: { email, provenance: ['manual'] } } });
      const error = await renderEml(notice).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(VigieError);
      expect((error as VigieError).code).toBe('notice-bad-address');
      expect((error as VigieError).exitCode).toBe(3);
      expect((error as VigieError).message).not.toMatch(/[\r\n]/);
    }
    const none = fixtureNotice('host', { recipient: { ...base.recipient, abuseContact: undefined } });
    await expect(renderEml(none)).rejects.toMatchObject({ code: 'notice-no-address', exitCode: 3 });
  });

  it('every .eml of the sample case parses into the expected headers, body and attachment', async () => {
    const { notices } = await prepareNotices({ casePath: join(REPO_ROOT, 'samples/case-example.yaml'), now: '2026-12-01T10:00:00Z' });
    let messages = 0;
    for (const notice of notices.filter((candidate) => formatsFor(candidate).includes('eml'))) {
      for (const lang of NOTICE_LANGUAGES) {
        const parsed = parseEmail(await renderEml(notice, { lang }));
        messages++;
        expect(parsed.defects, notice.reference).toEqual([]);
        expect(headerValues(parsed, 'From')[0]).toContain(`<${notice.notifier.contactEmail}>`);
        expect(headerValues(parsed, 'To')[0]).toContain(`<${notice.recipient.abuseContact!.email}>`);
        expect(headerValues(parsed, 'Subject')[0]).toContain(notice.reference);
        expect(new Date(headerValues(parsed, 'Date')[0]).getTime()).toBe(new Date(notice.createdAt).getTime());
        expect(headerValues(parsed, 'Message-ID')).toEqual([`<${notice.id}@${notice.notifier.organisationDomain}>`]);
        expect(parsed.body).toContain(lang === 'fr' ? 'Déclaration de bonne foi' : 'Good-faith statement');
        const xarf = formatsFor(notice).includes('xarf');
        expect(parsed.attachments.map((attachment) => attachment.filename)).toEqual(xarf ? ['xarf.json'] : []);
        if (xarf) expect(JSON.parse(parsed.attachments[0].content)).toEqual(JSON.parse(renderXarf(notice)));
      }
    }
    expect(messages).toBeGreaterThanOrEqual(8);
  });
});
