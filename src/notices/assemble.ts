/**
 * Notices from a case and its routing decisions: one notice per recipient and kind (all the targets routed to that
 * recipient go in it), in the order the decisions came. Ids and references depend only on the input, so the same case
 * gives the same notices; `now` fixes the creation time.
 */
import { toSeconds } from '../core/clock.js';
import { ExitCode, VigieError } from '../core/errors.js';
import {
  deriveNoticeId,
  NOTICE_SCHEMA_VERSION,
  recipientKey,
  type Notice,
  type NoticeChannel,
  type NoticeKind,
  type NoticeTarget,
  type Notifier,
  type Recipient,
} from '../core/notice.js';
import { CaseInputError, missingCaseFields, type CaseInput, type CaseTarget } from './case-input.js';
import { VIGIE_VERSION } from '../core/producer.js';
import { BLOCKING_FLAGS, type RoutedNotice, type RoutingContext, type TargetRouting } from './routing.js';


const CHANNEL: Record<NoticeKind, NoticeChannel> = { host: 'email', registrar: 'email', pharos: 'webform', iccam: 'iccam' };
const REFERENCE_CODE: Record<NoticeKind, string> = { host: 'H', registrar: 'R', pharos: 'P', iccam: 'I' };

/** A routed notice that cannot be drafted yet, and why. */
export interface HeldNotice {
  kind: NoticeKind;
  url: string;
  rule: string;
  reason: string;
}

export interface AssembleOptions {
  /** Creation time (UTC ISO 8601); default: now. */
  now?: string;
}

export interface AssembledNotices {
  notices: Notice[];
  /** Notices the rules asked for that need the analyst first (no recipient). */
  held: HeldNotice[];
}

interface Group {
  kind: NoticeKind;
  recipient: Recipient;
  category: string;
  entries: { target: CaseTarget; decision: RoutedNotice; routing: TargetRouting }[];
}

/** Parses `--now`; any other form is an input error. */
export function parseNow(text: string | undefined): string {
  if (text === undefined) return toSeconds(new Date().toISOString());
  const time = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) || Number.isNaN(time)) {
    throw new VigieError('bad-now', `--now "${text.slice(0, 60)}" is not an ISO 8601 time with a zone (e.g. 2026-12-01T09:00:00Z)`, ExitCode.usage);
  }
  return toSeconds(new Date(time).toISOString());
}

export function assembleNotices(
  input: CaseInput,
  routings: TargetRouting[],
  context: RoutingContext,
  options: AssembleOptions = {},
): AssembledNotices {
  const missing = missingCaseFields(input, context.categories);
  if (missing.length > 0) throw new CaseInputError(input.source, missing);
  const createdAt = parseNow(options.now);
  const caseRef = input.caseRef!;
  const notifier = input.notifier as Notifier;
  const held: HeldNotice[] = [];
  const groups = new Map<string, Group>();

  routings.forEach((routing, index) => {
    const target = input.targets[index]!;
    const category = target.category ?? input.category!;
    for (const decision of routing.notices) {
      if (!decision.recipient) {
        held.push({ kind: decision.kind, url: target.url, rule: decision.rule, reason: 'needs a manual recipient' });
        continue;
      }
      const key = `${decision.kind}\u0000${recipientKey(decision.recipient)}\u0000${category}`;
      let group = groups.get(key);
      if (!group) {
        group = { kind: decision.kind, recipient: decision.recipient, category, entries: [] };
        groups.set(key, group);
      }
      group.entries.push({ target, decision, routing });
    }
  });

  const counters = new Map<NoticeKind, number>();
  const usedIds = new Set<string>();
  const notices: Notice[] = [];
  for (const group of groups.values()) {
    const n = (counters.get(group.kind) ?? 0) + 1;
    counters.set(group.kind, n);
    let id = deriveNoticeId(caseRef, recipientKey(group.recipient), group.kind);
    // The same recipient and kind under two categories: two notices, the second keyed by its category too.
    if (usedIds.has(id)) id = deriveNoticeId(caseRef, `${recipientKey(group.recipient)}#${group.category}`, group.kind);
    usedIds.add(id);
    notices.push(buildNotice(group, id, `${caseRef}-${REFERENCE_CODE[group.kind]}${n}`, input, notifier, createdAt, context));
  }
  linkFollowUps(notices);
  return { notices, held };
}

function buildNotice(
  group: Group,
  id: string,
  reference: string,
  input: CaseInput,
  notifier: Notifier,
  createdAt: string,
  context: RoutingContext,
): Notice {
  const category = context.categories.byCode.get(group.category)!;
  const targets = group.entries.map((e) => e.target);
  const first = group.entries[0]!;
  const flags = [...new Set(group.entries.flatMap((e) => e.routing.flags.map((f) => f.flag)))].filter((f) => !BLOCKING_FLAGS.has(f));
  const classificationOnly = category.csam || flags.includes('classification-only') || !context.rules.describe.includes(category.code);
  const description = first.target.description ?? input.description;
  const reasoning = first.target.reasoning ?? input.reasoning!;
  const earliest = Math.min(...targets.map((t) => Date.parse(t.observedAt ?? createdAt)));
  const delayDays = Math.max(...group.entries.map((e) => e.decision.delayDays));
  const notice: Notice = {
    id,
    schemaVersion: NOTICE_SCHEMA_VERSION,
    kind: group.kind,
    status: 'draft',
    reference,
    caseRef: input.caseRef!,
    createdAt,
    notifier: { ...notifier },
    recipient: group.recipient,
    targets: targets.map(noticeTarget),
    items: [...targets.flatMap((t) => t.items), ...input.items],
    legal: {
      category: category.code,
      categoryLabel: { ...category.label },
      articles: [...category.articles],
      reasoning,
      dsaArt16Exemption: category.csam,
      dsaArt18Relevant: category.dsaArt18 || targets.some((t) => t.art18 === true),
      ...(category.xarfType === 'csam' || category.xarfType === 'csem' ? { xarfType: category.xarfType } : {}),
      ...(category.pharos ? { pharosCategory: category.pharos } : {}),
    },
    goodFaithStatement: true,
    externalRefs: { ...input.externalRefs },
    transport: { channel: CHANNEL[group.kind] },
    routing: {
      rule: first.decision.rule,
      order: Math.min(...group.entries.map((e) => e.decision.order)),
      delayDays,
      dueAt: toSeconds(new Date(earliest + delayDays * 86_400_000).toISOString()),
      condition: group.entries.some((e) => e.decision.condition === 'still-online') ? 'still-online' : 'always',
      flags,
      rulesSource: context.rules.source,
    },
    generator: { name: 'vigie', version: VIGIE_VERSION },
  };
  if (!classificationOnly && description !== undefined) notice.description = description;
  if (group.kind === 'iccam') notice.externalRefs.inhopeHotline = group.recipient.name;
  return notice;
}

function noticeTarget(target: CaseTarget): NoticeTarget {
  const result: NoticeTarget = {
    url: target.url,
    observedAt: toSeconds(target.observedAt ?? ''),
    observedTimeZone: target.observedTimeZone,
    provenance: [...target.provenance],
  };
  const optional = [
    'finalUrl', 'host', 'registrableDomain', 'locator', 'ip', 'port', 'ipObservedAt', 'httpStatus', 'asn', 'asOrganization',
    'hostingCountry', 'hostingCountrySource', 'hostingProvider', 'registrar', 'siteType', 'dedicatedDomain', 'countryDisagreement',
  ] as const;
  for (const key of optional) {
    if (target[key] !== undefined) (result as unknown as Record<string, unknown>)[key] = target[key];
  }
  return result;
}

/** A notice sent only if the content is still online follows the first notice covering the same URL. */
function linkFollowUps(notices: Notice[]): void {
  for (const notice of notices) {
    if (notice.routing.condition !== 'still-online') continue;
    const urls = new Set(notice.targets.map((t) => t.url));
    const earlier = notices.find((n) => n !== notice && n.routing.condition !== 'still-online' && n.targets.some((t) => urls.has(t.url)) && n.kind !== 'pharos');
    if (earlier) notice.externalRefs.followsNotice = earlier.id;
  }
}
