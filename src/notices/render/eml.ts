import { createHash } from 'node:crypto';
import { ExitCode, VigieError } from '../../core/errors.js';
import type { Notice } from '../../core/notice.js';
import { headerValue, isPlainEmailAddress, singleLine } from './escape.js';
import { renderTemplate } from './templates.js';
import { buildView, noticeLanguage } from './view.js';
import { renderXarf, xarfType } from './xarf.js';
import type { RenderOptions } from './options.js';

/**
 * The notice as an RFC 5322 message (`.eml`), built by nodemailer's MailComposer: From the notifier, To the
 * recipient's abuse contact, the template's subject (with the reference), Date (the notice's creation time) and a
 * Message-ID derived from the notice id, the text as a UTF-8 quoted-printable body; host notices whose category has a
 * XARF type carry the report as an `xarf.json` attachment. Headers are built from single-line, control-free values,
 * and non-ASCII text is encoded by MailComposer as RFC 2047 wants. The same notice gives the same bytes (the MIME
 * boundary is derived from the id), so bundles are reproducible and `send` can compare.
 */
export async function renderEml(notice: Notice, options: RenderOptions = {}): Promise<Buffer> {
  const to = mailAddress(notice.recipient.abuseContact?.email, `notice ${notice.reference}: the recipient's contact`);
  const from = mailAddress(notice.notifier.contactEmail, `notice ${notice.reference}: the notifier's contact`);
  const lang = noticeLanguage(notice, options.lang);
  const view = buildView(notice, { lang, defang: options.defang ?? true });
  const { subject, body } = await renderTemplate(notice.kind, view, options.templatesDir);
  const attachXarf = notice.kind === 'host' && xarfType(notice) !== undefined;
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer');
  const mail = new MailComposer({
    from: { name: headerValue(notice.notifier.organisation, 200), address: from },
    to: { name: headerValue(notice.recipient.name, 200), address: to },
    subject: headerValue(subject),
    date: new Date(notice.createdAt),
    messageId: messageId(notice),
    text: body,
    textEncoding: 'quoted-printable',
    baseBoundary: createHash('sha256').update(notice.id).digest('hex').slice(0, 16),
    headers: { 'Content-Language': lang },
    attachments: attachXarf
      ? [{ filename: 'xarf.json', content: renderXarf(notice), contentType: 'application/json; charset=utf-8' }]
      : [],
  });
  return crlf(await mail.compile().build());
}

/**
 * Every line end as CRLF, as RFC 5322 wants (MailComposer leaves the body's hard line breaks as LF). An SMTP
 * transport would convert them anyway, and `send` compares the bytes a server receives with the bundle's file. Safe on
 * the whole message: headers are RFC 2047-encoded and bodies quoted-printable or base64, so all of it is 7-bit text.
 */
function crlf(message: Buffer): Buffer {
  const text = message.toString('latin1').replace(/\r?\n/g, '\r\n');
  return Buffer.from(text.endsWith('\r\n') ? text : `${text}\r\n`, 'latin1');
}

/** `<notice id@notifier domain>`, or the one the notice already records (`transport.messageId`). */
export function messageId(notice: Notice): string {
  const recorded = notice.transport.messageId;
  if (recorded !== undefined && /^<[^\s<>@]+@[^\s<>@]+>$/.test(recorded)) return recorded;
  const domain = singleLine(notice.notifier.organisationDomain).toLowerCase();
  return `<${notice.id}@${/^[a-z0-9.-]+$/.test(domain) ? domain : 'vigie.invalid'}>`;
}

function mailAddress(address: string | undefined, what: string): string {
  if (address === undefined || address === '') {
    throw new VigieError('notice-no-address', `${singleLine(what)} has no e-mail address: it needs a manual recipient`, ExitCode.input);
  }
  if (!isPlainEmailAddress(address)) {
    throw new VigieError(
      'notice-bad-address',
      `${singleLine(what)} "${singleLine(address).slice(0, 100)}" is not an e-mail address`,
      ExitCode.input,
    );
  }
  return address;
}
