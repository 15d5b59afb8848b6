/**
 * Checks a Notice before it is rendered or sent, listing EVERY missing or invalid field with its path
 * (`recipient.abuseContact.email`, `targets[2].observedAt`), not only the first, so an analyst fixes a case at once.
 */
import {
  INTERPOL_CLASSIFICATIONS,
  ITEM_MEDIA_TYPES,
  NOTICE_CHANNELS,
  NOTICE_KINDS,
  NOTICE_STATUSES,
  RECIPIENT_ROLES,
  type Notice,
} from '../core/notice.js';
import type { CategoryTable } from './data.js';

export interface ValidationIssue {
  /** Dotted path into the notice: `targets[0].url`. */
  path: string;
  message: string;
}

const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;
const COUNTRY = /^[A-Z]{2}$/;
// eslint-disable-next-line no-control-regex -- these are the characters refused
const CONTROL = /[\u0000-\u001f\u007f]/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A plain address: no display name, no comments, no control characters (it goes into a `To:` header). */
export function isEmailAddress(text: string): boolean {
  return text.length <= 254 && EMAIL.test(text);
}

export interface ValidateOptions {
  /** When given, `legal.category` must be one of its codes. */
  categories?: CategoryTable;
}

/** Every problem of a notice; empty when it can be rendered and sent. */
export function validateNotice(notice: Notice, options: ValidateOptions = {}): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  const text = (path: string, value: unknown, { multiline = false, required = true } = {}) => {
    if (value === undefined || value === null || value === '') {
      if (required) add(path, 'is missing');
      return;
    }
    if (typeof value !== 'string') return add(path, 'is not text');
    // eslint-disable-next-line no-control-regex -- idem, keeping LF and tab in multi-line text
    const bad = multiline ? /[\u0000-\u0008\u000b-\u001f\u007f]/ : CONTROL;
    if (bad.test(value)) add(path, 'contains control characters');
  };
  const time = (path: string, value: unknown, required = true) => {
    if (value === undefined) {
      if (required) add(path, 'is missing');
    } else if (typeof value !== 'string' || !UTC.test(value) || Number.isNaN(Date.parse(value))) {
      add(path, 'is not a UTC time (YYYY-MM-DDTHH:MM:SSZ)');
    }
  };
  const oneOf = (path: string, value: unknown, allowed: readonly string[]) => {
    if (value === undefined) add(path, 'is missing');
    else if (!allowed.includes(value as string)) add(path, `must be one of ${allowed.join(', ')}`);
  };

  if (typeof notice.id !== 'string' || !UUID.test(notice.id)) add('id', 'is not a version-4-shaped UUID');
  oneOf('kind', notice.kind, NOTICE_KINDS);
  oneOf('status', notice.status, NOTICE_STATUSES);
  text('reference', notice.reference);
  text('caseRef', notice.caseRef);
  time('createdAt', notice.createdAt);
  for (const field of ['sentAt', 'ackReceivedAt', 'decisionAt', 'removalVerifiedAt'] as const) time(field, notice[field], false);

  const notifier = notice.notifier ?? {};
  text('notifier.organisation', notifier.organisation);
  text('notifier.organisationDomain', notifier.organisationDomain);
  if (!notifier.contactEmail) add('notifier.contactEmail', 'is missing');
  else if (!isEmailAddress(notifier.contactEmail)) add('notifier.contactEmail', 'is not an e-mail address');
  if (!notifier.country) add('notifier.country', 'is missing');
  else if (!COUNTRY.test(notifier.country)) add('notifier.country', 'is not an ISO 3166-1 alpha-2 code');
  text('notifier.analystRef', notifier.analystRef);

  const recipient = notice.recipient ?? {};
  oneOf('recipient.role', recipient.role, RECIPIENT_ROLES);
  text('recipient.name', recipient.name);
  if (recipient.country !== undefined && !COUNTRY.test(recipient.country)) add('recipient.country', 'is not an ISO 3166-1 alpha-2 code');
  const channel = notice.transport?.channel;
  oneOf('transport.channel', channel, NOTICE_CHANNELS);
  const contact = recipient.abuseContact;
  if (!contact) {
    add('recipient.abuseContact', 'is missing: this notice needs a manual recipient');
  } else {
    if (contact.email !== undefined && !isEmailAddress(contact.email)) add('recipient.abuseContact.email', 'is not an e-mail address');
    if (channel === 'email' && contact.email === undefined) add('recipient.abuseContact.email', 'is missing (the notice goes by e-mail)');
    if (!Array.isArray(contact.provenance) || contact.provenance.length === 0) {
      add('recipient.abuseContact.provenance', 'is missing: say where the contact comes from');
    }
  }

  if (!Array.isArray(notice.targets) || notice.targets.length === 0) add('targets', 'is empty: a notice reports at least one URL');
  (notice.targets ?? []).forEach((target, index) => {
    const at = `targets[${index}]`;
    if (!target.url) add(`${at}.url`, 'is missing');
    else if (CONTROL.test(target.url) || target.url.includes(' ')) add(`${at}.url`, 'contains control characters or spaces');
    else if (!URL.canParse(target.url)) add(`${at}.url`, 'is not a URL');
    time(`${at}.observedAt`, target.observedAt);
    text(`${at}.observedTimeZone`, target.observedTimeZone);
    time(`${at}.ipObservedAt`, target.ipObservedAt, false);
    if (target.hostingCountry !== undefined && !COUNTRY.test(target.hostingCountry)) {
      add(`${at}.hostingCountry`, 'is not an ISO 3166-1 alpha-2 code');
    }
    if (target.port !== undefined && !(Number.isInteger(target.port) && target.port > 0 && target.port < 65536)) {
      add(`${at}.port`, 'is not a port number');
    }
  });

  (notice.items ?? []).forEach((item, index) => {
    const at = `items[${index}]`;
    oneOf(`${at}.mediaType`, item.mediaType, ITEM_MEDIA_TYPES);
    oneOf(`${at}.classification.interpol`, item.classification?.interpol, INTERPOL_CLASSIFICATIONS);
    for (const [name, value] of Object.entries(item.hashes ?? {})) {
      if (name !== 'photodna' && !/^[0-9a-f]+$/.test(String(value))) add(`${at}.hashes.${name}`, 'is not lowercase hex');
    }
  });

  const legal = notice.legal ?? {};
  text('legal.category', legal.category);
  const category = options.categories?.byCode.get(legal.category);
  if (legal.category && options.categories && !category) add('legal.category', `unknown category "${legal.category}"`);
  if (!Array.isArray(legal.articles) || legal.articles.length === 0) add('legal.articles', 'is empty: give the legal provisions');
  text('legal.reasoning', legal.reasoning, { multiline: true });
  if (typeof legal.dsaArt16Exemption !== 'boolean') add('legal.dsaArt16Exemption', 'must be true or false');
  if (typeof legal.dsaArt18Relevant !== 'boolean') add('legal.dsaArt18Relevant', 'must be true or false');
  if (category && legal.dsaArt16Exemption !== category.csam) {
    add('legal.dsaArt16Exemption', `must be ${category.csam} for category ${category.code}`);
  }
  if (category?.csam && notice.description !== undefined) {
    add('description', 'must be absent: child sexual abuse material is never described beyond its classification');
  }
  text('description', notice.description, { multiline: true, required: false });
  if (notice.goodFaithStatement !== true) add('goodFaithStatement', 'must be true (DSA art. 16(2)(d))');
  return issues;
}
