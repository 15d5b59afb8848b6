/**
 * A notice a hotline sends about reported content: a takedown notice to a hosting provider, a notice to a registrar,
 * a report for PHAROS, a referral to a partner hotline through INHOPE/ICCAM. Built by `src/notices/assemble.ts` from a
 * case file and the records `vigie resolve`, `vigie geo` and `vigie match` wrote; rendered by `src/notices/render/`;
 * read by triage. The shape follows /work/shared/docs/notices.md §5 (DSA art. 16(2)(a)–(d) → `legal.reasoning`,
 * `targets[].url`, `notifier`, `goodFaithStatement`; DSA art. 18 → UTC times with the original zone; XARF v4 →
 * `id`, hashes, `hostingCountry`, `asn`; abuse desks → the IP at observation time).
 *
 * Hard rule: a notice never carries media. Items are described by hashes and classification only; no field holds a
 * local file path or file contents.
 *
 * Times are UTC ISO 8601 (`…Z`). JSON keys are camelCase; the JSON form of a notice is this object as is.
 */
import { createHash } from 'node:crypto';
import type { AbuseContact } from './hosting.js';
import type { Hashes } from './records.js';
import type { SignalName } from './signals/index.js';

/** Version of this record's shape, written into every notice so readers can tell old notices from new ones. */
export const NOTICE_SCHEMA_VERSION = 1;

/**
 * What the notice is:
 * - `host`: takedown notice to whoever hosts the content (DSA art. 16, LCEN art. 6), by e-mail;
 * - `registrar`: notice to the domain's registrar (host did not act, or the domain is dedicated to the content);
 * - `pharos`: copy-ready report for the French police platform (entered in its web form);
 * - `iccam`: referral to the partner hotline of the hosting country through INHOPE's ICCAM (entered in ICCAM).
 */
export const NOTICE_KINDS = ['host', 'registrar', 'pharos', 'iccam'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** Life cycle of a notice; assembly always produces `draft`. */
export const NOTICE_STATUSES = ['draft', 'sent', 'acknowledged', 'actioned', 'rejected', 'expired'] as const;
export type NoticeStatus = (typeof NOTICE_STATUSES)[number];

/** Who receives it. `hotline` is an INHOPE member hotline; `lea` a police platform such as PHAROS. */
export const RECIPIENT_ROLES = ['host', 'registrar', 'platform', 'cdn', 'hotline', 'lea'] as const;
export type RecipientRole = (typeof RECIPIENT_ROLES)[number];

/** How the notice travels: e-mail (`.eml`), a web form (PHAROS), ICCAM, or by hand when no channel is known. */
export const NOTICE_CHANNELS = ['email', 'webform', 'iccam', 'manual'] as const;
export type NoticeChannel = (typeof NOTICE_CHANNELS)[number];

/** ICCAM per-item classification: INTERPOL baseline, illegal under national law only, not illegal, not assessed. */
export const INTERPOL_CLASSIFICATIONS = ['baseline', 'national', 'not_illegal', 'unknown'] as const;
export type InterpolClassification = (typeof INTERPOL_CLASSIFICATIONS)[number];

export const ITEM_MEDIA_TYPES = ['image', 'video', 'text', 'other'] as const;
export type ItemMediaType = (typeof ITEM_MEDIA_TYPES)[number];

/** The hotline that sends the notice. An organisation, never a person. */
export interface Notifier {
  /** Organisation name, e.g. `Point de Contact`. */
  organisation: string;
  /** Its domain (XARF `reporter.domain`), e.g. `pointdecontact.example`. */
  organisationDomain: string;
  /** Where recipients answer (a role address, e.g. `signalement@…`, never an analyst's own). */
  contactEmail: string;
  /** ISO 3166-1 alpha-2 of the organisation (`FR`). */
  country: string;
  /** DSA art. 22 status, when the organisation holds it. */
  trustedFlagger?: TrustedFlagger;
  /** Internal pseudonym of the analyst who qualified the case (`analyst-07`), for the hotline's own records; never a personal name. */
  analystRef: string;
}

export interface TrustedFlagger {
  /** The Digital Services Coordinator that awarded the status, e.g. `FR-Arcom`. */
  coordinator: string;
  /** When it was awarded (ISO date). */
  since?: string;
}

/**
 * How to reach the recipient and how that was found. For hosts and registrars this is one of
 * `HostingInfo.abuseContacts` as `vigie geo` gave it (provenance strings kept as they are); for PHAROS and hotlines it
 * comes from a data file (`data:notices/inhope-hotlines.yaml`); an analyst's choice is `case:<file> <path>`.
 */
export interface RecipientContact {
  /** Lower-cased e-mail address. */
  email?: string;
  phone?: string;
  /** Web form or site, for recipients reached through one (PHAROS, a hotline's site). */
  website?: string;
  /** Whose contact it is, as `AbuseContact.party` says (host/registrar/domain). */
  party?: AbuseContact['party'];
  partyName?: string;
  /** How it was found, as `AbuseContact.basis` says; absent for data-file and manual contacts. */
  basis?: AbuseContact['basis'];
  /** Every source that gave it: `rdap:ripe entity ABUSE-X`, `data:notices/inhope-hotlines.yaml`, `case:case.yaml recipients[0]`. */
  provenance: string[];
}

export interface Recipient {
  role: RecipientRole;
  /** Organisation name (network holder, registrar, `PHAROS`, the hotline's name). */
  name: string;
  /** ISO 3166-1 alpha-2; decides the notice's language (FR, BE, LU, CH, MC → French). */
  country?: string;
  /** Absent when no contact is known: such a notice needs a manual recipient and does not validate. */
  abuseContact?: RecipientContact;
  /** Registrar only: IANA id from RDAP. */
  ianaId?: string;
}

/** One reported location, as observed. */
export interface NoticeTarget {
  /** The URL as reported, cleaned (`ResolutionRecord.url`). */
  url: string;
  /** Where the redirect chain ended, when it differs. */
  finalUrl?: string;
  /** Host name for people (Unicode). */
  host?: string;
  /** Registrable domain, which the registrar acts on. */
  registrableDomain?: string;
  /** Another way to find the content when a URL is not enough (a post id, a pseudonym). */
  locator?: string;
  /** When the analyst observed the content (UTC). */
  observedAt: string;
  /** IANA zone the observation was made in (`Europe/Paris`); notices show the local time beside UTC. */
  observedTimeZone: string;
  /** The address and port the connection actually used at observation (the last `ResolutionRecord` hop that had one). */
  ip?: string;
  port?: number;
  /** When that connection was made (the hop's `timestamp`, UTC). */
  ipObservedAt?: string;
  /** HTTP status of the last hop. */
  httpStatus?: number;
  /** Autonomous system of `ip`, from `vigie geo`. */
  asn?: number;
  asOrganization?: string;
  /** ISO 3166-1 alpha-2 of where `ip` is used, and which source said so (`geoip:dbip-country.mmdb`). */
  hostingCountry?: string;
  hostingCountrySource?: string;
  /** The network holder (`NetworkInfo.holder`), who can take the content down. */
  hostingProvider?: string;
  /** Registrar of `registrableDomain`, from `vigie geo`. */
  registrar?: string;
  /** Site type as ICCAM counts them (`website`, `image-host`, `forum`…); free text. */
  siteType?: string;
  /** The whole domain is dedicated to the content (grounds for a registrar notice). */
  dedicatedDomain?: boolean;
  /** Sources disagreed on the hosting country (`HostingInfo.disagreements`): the analyst decides before referring. */
  countryDisagreement?: { value: string; source: string }[];
  /** Which input records this target was built from: `resolve:<file>:<line>`, `geo:<file>:<line>`, `case:<file> targets[0]`. */
  provenance: string[];
}

/** One hash-list entry an item matched, from `MatchRecord.matches`. */
export interface ListMatchRef {
  set: string;
  entry: string;
  signal: SignalName;
  /** Bits that differ (0 for cryptographic hashes). */
  distance: number;
  /** The entry's category as the list gives it (`vics-us:1`), when it has one. */
  category?: string;
  /** The list the entry was received in (`ncmec`, `iwf`…). */
  source?: string;
}

export interface ItemClassification {
  /** ICCAM / INTERPOL classification. */
  interpol: InterpolClassification;
  /** UK (IWF) category. */
  iwfOrUk?: 'A' | 'B' | 'C';
  /** NCMEC / XARF v4 classification. */
  ncmec?: 'A1' | 'A2' | 'B1' | 'B2';
  /** VICS category number. */
  vics?: number;
  /** Where a category derived from hash lists came from, in words (`MatchRecord.category.text`). */
  derivedFrom?: string;
}

/** One media item at a target, described by hashes and classification only (never the media). */
export interface NoticeItem {
  mediaType: ItemMediaType;
  /** Lowercase hex; `photodna` as the list gives it. */
  hashes: Hashes & { photodna?: string };
  classification: ItemClassification;
  /** URL of the target the item was seen at (one of `targets[].url`). */
  targetUrl?: string;
  /** ICCAM dimensions, free text (`3-13`, `pre-pubescent`; `female`, `male`, `both`). */
  victimAgeBand?: string;
  victimGender?: string;
  aiGenerated?: boolean;
  /** Hash-list entries matched, best first. */
  hashListMatches: ListMatchRef[];
}

/** Why the content is illegal: category from notices.md §2.1 (data/notices/categories.yaml). */
export interface LegalQualification {
  /** Toolkit category code (`csam`, `terrorism`, `hate_provocation`…). */
  category: string;
  /** Its label in French and English, from the categories table. */
  categoryLabel: { fr: string; en: string };
  /** Legal provisions (`CP 227-23`, `Loi 1881 art. 24`), from the table, plus any the case adds. */
  articles: string[];
  /** DSA art. 16(2)(a): the reasons, in the analyst's words (free text, French or English). */
  reasoning: string;
  /** DSA art. 16(2)(c): for child sexual abuse material the notifier's identity is not required; true ⇒ CSAM. */
  dsaArt16Exemption: boolean;
  /** The content may give rise to a suspicion of an offence threatening life or safety (DSA art. 18): the host must inform the authorities. */
  dsaArt18Relevant: boolean;
  /** XARF v4 `type` (category `content`) for this category, from the categories table; absent when XARF has none. */
  xarfType?: 'csam' | 'csem';
  /** The PHAROS form category it is reported under, from the categories table. */
  pharosCategory?: string;
}

/** References this notice relates to in other systems. */
export interface ExternalRefs {
  pharosRef?: string;
  iccamRef?: string;
  /** The INHOPE member hotline referred to (its name). */
  inhopeHotline?: string;
  ncmecReportId?: string;
  /** The host's ticket, once it answered. */
  hostTicket?: string;
  /** The earlier notice this one follows (a registrar notice after a host notice: that notice's id). */
  followsNotice?: string;
}

/** Which routing rule made this notice and when it is due. */
export interface NoticeRouting {
  /** The rule's id in the routing file (`france-hosted`). */
  rule: string;
  /** Position among the notices drafted for the same target (1 = first). */
  order: number;
  /** Days after the case's observation to wait before sending (e.g. registrar after 7 days without removal). */
  delayDays: number;
  /** When it is due: the earliest observation of its targets plus `delayDays` (UTC). */
  dueAt?: string;
  /** `still-online`: send only if the content is still online when due (a registrar notice after an ignored host notice). */
  condition?: 'always' | 'still-online';
  /** Things the analyst must do or check before sending (`art18-authorities-first`, `needs-manual-recipient`, `country-disagreement`). */
  flags: string[];
  /** The routing file, with its SHA-256, so a decision can be reproduced. */
  rulesSource: string;
}

/** What produced the notice. */
export interface NoticeGenerator {
  name: 'vigie';
  version: string;
}

export interface Notice {
  /** Derived from case reference + recipient + kind (`deriveNoticeId`), UUID-shaped (version 4 bits set, as XARF's `report_id` requires). */
  id: string;
  schemaVersion: typeof NOTICE_SCHEMA_VERSION;
  kind: NoticeKind;
  status: NoticeStatus;
  /** Reference shown to the recipient (subject line), `<caseRef>-<kind>-<n>`. */
  reference: string;
  /** The case's reference (`PDC-2026-000123`). */
  caseRef: string;
  /** When the notice was assembled (UTC; `--now` fixes it). */
  createdAt: string;
  sentAt?: string;
  ackReceivedAt?: string;
  decisionAt?: string;
  removalVerifiedAt?: string;
  notifier: Notifier;
  recipient: Recipient;
  targets: NoticeTarget[];
  items: NoticeItem[];
  legal: LegalQualification;
  /**
   * Factual description of what is at the targets, without reproducing it. Absent for CSAM: such content is never
   * described beyond its classification.
   */
  description?: string;
  /** DSA art. 16(2)(d): the notifier's statement that the notice is accurate and complete, made in good faith. */
  goodFaithStatement: true;
  externalRefs: ExternalRefs;
  transport: { channel: NoticeChannel; messageId?: string };
  routing: NoticeRouting;
  generator: NoticeGenerator;
}

/**
 * The notice id: SHA-256 of case reference, recipient key and kind, laid out as a UUID with the version-4 and variant
 * bits set. The same case yields the same ids, so a bundle rebuilt from the same input is byte-identical and a notice
 * already sent is recognised. `recipientKey` is the recipient's contact address or, without one, its role and name.
 */
export function deriveNoticeId(caseRef: string, recipientKey: string, kind: NoticeKind): string {
  const digest = createHash('sha256').update(`${caseRef}\u0000${recipientKey.toLowerCase()}\u0000${kind}`).digest();
  digest[6] = (digest[6]! & 0x0f) | 0x40;
  digest[8] = (digest[8]! & 0x3f) | 0x80;
  const hex = digest.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The key `deriveNoticeId` uses for a recipient. */
export function recipientKey(recipient: Recipient): string {
  return recipient.abuseContact?.email ?? recipient.abuseContact?.website ?? `${recipient.role}:${recipient.name}`;
}
