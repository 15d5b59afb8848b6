/**
 * Routing: which notices to draft for each target, from the rules in data/notices/routing.yaml (or `--rules`). One
 * small evaluator: rules top to bottom, every condition of a rule's `when` must hold, `final` stops. Each decision
 * keeps the id of the rule that made it, so an analyst can check a referral before it goes. No recipient is ever
 * guessed: a host or registrar notice without an abuse contact is flagged `needs-manual-recipient`.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { VigieError } from '../core/errors.js';
import { NOTICE_KINDS, type NoticeKind, type Recipient, type RecipientContact } from '../core/notice.js';
import type { CaseInput, CaseTarget } from './case-input.js';
import { NOTICES_DATA_DIR, type CategoryTable, type HotlineTable } from './data.js';
import { parseYamlText } from './yaml.js';

export const DEFAULT_RULES_PATH = `${NOTICES_DATA_DIR}routing.yaml`;

export interface RoutingConditions {
  country?: string[];
  countryKnown?: boolean;
  countryDisagreement?: boolean;
  inhopeHotline?: boolean;
  categories?: string[];
  csam?: boolean;
  art18?: boolean;
  dedicatedDomain?: boolean;
}

const CONDITION_KEYS = ['country', 'countryKnown', 'countryDisagreement', 'inhopeHotline', 'categories', 'csam', 'art18', 'dedicatedDomain'] as const;
const LIST_CONDITIONS = new Set(['country', 'categories']);

export type NoticeCondition = 'always' | 'still-online';

export interface RuleNotice {
  kind: NoticeKind;
  delayDays: number;
  condition: NoticeCondition;
  when?: RoutingConditions;
}

export interface RoutingRule {
  id: string;
  description: string;
  when: RoutingConditions;
  flags: string[];
  notices: RuleNotice[];
  final: boolean;
}

export interface PharosRecipient {
  name: string;
  country: string;
  website: string;
  source: string;
}

export interface RoutingRules {
  /** `<file name> sha256:<hex>`: what made the decisions, recorded in every notice. */
  source: string;
  version: number;
  /** Categories whose content may be described (never CSAM). */
  describe: string[];
  pharos: PharosRecipient;
  rules: RoutingRule[];
}

/** What the rules look at for one target. */
export interface TargetFacts {
  hostingCountry?: string;
  countryKnown: boolean;
  countryDisagreement: boolean;
  inhopeHotline: boolean;
  category?: string;
  csam: boolean;
  art18: boolean;
  dedicatedDomain: boolean;
}

/** One notice to draft for a target. */
export interface RoutedNotice {
  kind: NoticeKind;
  /** 1-based position among this target's notices. */
  order: number;
  delayDays: number;
  condition: NoticeCondition;
  /** The rule that asked for it. */
  rule: string;
  /** Absent when no contact is known: the notice needs a manual recipient. */
  recipient?: Recipient;
  /** Other contacts found for the same party (the analyst may choose one instead), with their provenance. */
  alternatives: RecipientContact[];
}

export interface RoutingFlag {
  flag: string;
  rule: string;
  /** Why, for a person: "no abuse contact found for the host: needs a manual recipient". */
  detail?: string;
}

export interface TargetRouting {
  url: string;
  /** Where the target is in the input. */
  where: string;
  facts: TargetFacts;
  notices: RoutedNotice[];
  flags: RoutingFlag[];
  /** Ids of every rule that applied, in order. */
  rules: string[];
}

/** Flags that stop a notice from being sent until the analyst acts. */
export const BLOCKING_FLAGS = new Set(['needs-manual-recipient', 'country-disagreement']);

export async function loadRoutingRules(path = DEFAULT_RULES_PATH): Promise<RoutingRules> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new VigieError('unreadable', `cannot read rules file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const digest = createHash('sha256').update(text).digest('hex');
  return parseRoutingRules(await parseYamlText(text, path), `${basename(path)} sha256:${digest}`, path);
}

/** Checks the rules' structure; every mistake is reported with its path in the file. */
export function parseRoutingRules(data: unknown, source: string, where = source): RoutingRules {
  const problems: string[] = [];
  const file = (data ?? {}) as Record<string, unknown>;
  if (!Array.isArray(file.rules)) problems.push('rules: expected a list');
  const pharosRaw = ((file.recipients as Record<string, unknown> | undefined)?.pharos ?? {}) as Record<string, unknown>;
  for (const key of ['name', 'country', 'website'] as const) {
    if (typeof pharosRaw[key] !== 'string') problems.push(`recipients.pharos.${key}: expected text`);
  }
  const ids = new Set<string>();
  const rules = (Array.isArray(file.rules) ? file.rules : []).map((entry: unknown, index: number): RoutingRule => {
    const at = `rules[${index}]`;
    const rule = (entry ?? {}) as Record<string, unknown>;
    const id = typeof rule.id === 'string' && rule.id !== '' ? rule.id : `rule-${index + 1}`;
    if (typeof rule.id !== 'string' || rule.id === '') problems.push(`${at}.id: expected a name`);
    else if (ids.has(id)) problems.push(`${at}.id: "${id}" is used twice`);
    ids.add(id);
    for (const key of Object.keys(rule)) {
      if (!['id', 'description', 'when', 'flags', 'notices', 'final'].includes(key)) problems.push(`${at}.${key}: unknown field`);
    }
    const flags = rule.flags ?? [];
    if (!Array.isArray(flags) || !flags.every((f) => typeof f === 'string')) problems.push(`${at}.flags: expected a list of names`);
    const notices = (Array.isArray(rule.notices) ? rule.notices : []).map((n: unknown, j: number): RuleNotice => {
      const nat = `${at}.notices[${j}]`;
      const notice = (n ?? {}) as Record<string, unknown>;
      if (!NOTICE_KINDS.includes(notice.kind as NoticeKind)) problems.push(`${nat}.kind: expected one of ${NOTICE_KINDS.join(', ')}`);
      const delayDays = notice.delayDays ?? 0;
      if (typeof delayDays !== 'number' || !Number.isInteger(delayDays) || delayDays < 0) problems.push(`${nat}.delayDays: expected a whole number of days`);
      const condition = notice.condition ?? 'always';
      if (condition !== 'always' && condition !== 'still-online') problems.push(`${nat}.condition: expected always or still-online`);
      for (const key of Object.keys(notice)) {
        if (!['kind', 'delayDays', 'condition', 'when'].includes(key)) problems.push(`${nat}.${key}: unknown field`);
      }
      const parsed: RuleNotice = { kind: notice.kind as NoticeKind, delayDays: delayDays as number, condition: condition as NoticeCondition };
      if (notice.when !== undefined) parsed.when = parseConditions(notice.when, `${nat}.when`, problems);
      return parsed;
    });
    if (rule.notices !== undefined && !Array.isArray(rule.notices)) problems.push(`${at}.notices: expected a list`);
    if (rule.final !== undefined && typeof rule.final !== 'boolean') problems.push(`${at}.final: expected true or false`);
    return {
      id,
      description: typeof rule.description === 'string' ? rule.description : '',
      when: parseConditions(rule.when ?? {}, `${at}.when`, problems),
      flags: Array.isArray(flags) ? (flags as string[]) : [],
      notices,
      final: rule.final !== false,
    };
  });
  const describe = file.describe ?? [];
  if (!Array.isArray(describe) || !describe.every((d) => typeof d === 'string')) problems.push('describe: expected a list of category codes');
  if (problems.length > 0) {
    throw new VigieError('bad-rules', `${where}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n  ${problems.join('\n  ')}`);
  }
  return {
    source,
    version: typeof file.version === 'number' ? file.version : 1,
    describe: describe as string[],
    pharos: {
      name: pharosRaw.name as string,
      country: pharosRaw.country as string,
      website: pharosRaw.website as string,
      source: typeof pharosRaw.source === 'string' ? pharosRaw.source : '',
    },
    rules,
  };
}

function parseConditions(value: unknown, at: string, problems: string[]): RoutingConditions {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${at}: expected a mapping of conditions`);
    return {};
  }
  const conditions: Record<string, unknown> = {};
  for (const [key, condition] of Object.entries(value)) {
    if (!(CONDITION_KEYS as readonly string[]).includes(key)) {
      problems.push(`${at}.${key}: unknown condition (known: ${CONDITION_KEYS.join(', ')})`);
    } else if (LIST_CONDITIONS.has(key) ? !Array.isArray(condition) || !condition.every((c) => typeof c === 'string') : typeof condition !== 'boolean') {
      problems.push(`${at}.${key}: expected ${LIST_CONDITIONS.has(key) ? 'a list' : 'true or false'}`);
    } else {
      conditions[key] = condition;
    }
  }
  return conditions as RoutingConditions;
}

/** Whether every condition holds for the facts. */
export function conditionsHold(when: RoutingConditions, facts: TargetFacts): boolean {
  if (when.country && !(facts.hostingCountry !== undefined && when.country.includes(facts.hostingCountry))) return false;
  if (when.categories && !(facts.category !== undefined && when.categories.includes(facts.category))) return false;
  const booleans = ['countryKnown', 'countryDisagreement', 'inhopeHotline', 'csam', 'art18', 'dedicatedDomain'] as const;
  return booleans.every((key) => when[key] === undefined || when[key] === facts[key]);
}

export interface RoutingContext {
  rules: RoutingRules;
  categories: CategoryTable;
  hotlines: HotlineTable;
}

export function targetFacts(target: CaseTarget, input: CaseInput, context: RoutingContext): TargetFacts {
  const category = target.category ?? input.category;
  const country = target.hostingCountry;
  const facts: TargetFacts = {
    countryKnown: country !== undefined,
    countryDisagreement: target.countryDisagreement !== undefined && !target.countrySettled,
    inhopeHotline: country !== undefined && context.hotlines.byCountry.has(country),
    csam: category !== undefined && context.categories.byCode.get(category)?.csam === true,
    // Only the analyst's flag: a threat to life or safety is a judgement on this target, not on its category.
    art18: target.art18 === true,
    dedicatedDomain: target.dedicatedDomain === true,
  };
  if (country !== undefined) facts.hostingCountry = country;
  if (category !== undefined) facts.category = category;
  return facts;
}

/** The decisions for every target of a case. */
export function routeCase(input: CaseInput, context: RoutingContext): TargetRouting[] {
  return input.targets.map((target) => routeTarget(target, input, context));
}

export function routeTarget(target: CaseTarget, input: CaseInput, context: RoutingContext): TargetRouting {
  const facts = targetFacts(target, input, context);
  const routing: TargetRouting = { url: target.url, where: target.where, facts, notices: [], flags: [], rules: [] };
  for (const rule of context.rules.rules) {
    if (!conditionsHold(rule.when, facts)) continue;
    routing.rules.push(rule.id);
    for (const flag of rule.flags) routing.flags.push({ flag, rule: rule.id, ...flagDetail(flag, target) });
    for (const entry of rule.notices) {
      if (entry.when && !conditionsHold(entry.when, facts)) continue;
      if (routing.notices.some((n) => n.kind === entry.kind)) continue;
      const { recipient, alternatives } = recipientFor(entry.kind, target, context);
      const notice: RoutedNotice = {
        kind: entry.kind,
        order: routing.notices.length + 1,
        delayDays: entry.delayDays,
        condition: entry.condition,
        rule: rule.id,
        alternatives,
      };
      if (recipient) notice.recipient = recipient;
      else {
        routing.flags.push({
          flag: 'needs-manual-recipient',
          rule: rule.id,
          detail: `no abuse contact found for the ${entry.kind} of ${target.host ?? target.url}: needs a manual recipient`,
        });
      }
      routing.notices.push(notice);
    }
    if (rule.final) break;
  }
  return routing;
}

function flagDetail(flag: string, target: CaseTarget): { detail?: string } {
  if (flag === 'country-disagreement' && target.countryDisagreement) {
    const values = target.countryDisagreement.map((v) => `${v.value} (${v.source})`).join(', ');
    return { detail: `sources disagree on the hosting country: ${values}; set hostingCountry in the case file to decide` };
  }
  if (flag === 'country-unknown') return { detail: 'no hosting country known: check where the content is hosted' };
  if (flag === 'art18-authorities-first') return { detail: 'DSA art. 18: inform the authorities before any other recipient' };
  return {};
}

/** Who receives a notice of this kind for this target, and the other contacts found; never a guess. */
export function recipientFor(
  kind: NoticeKind,
  target: CaseTarget,
  context: RoutingContext,
): { recipient?: Recipient; alternatives: RecipientContact[] } {
  if (kind === 'pharos') {
    const pharos = context.rules.pharos;
    return {
      recipient: {
        role: 'lea',
        name: pharos.name,
        country: pharos.country,
        abuseContact: { website: pharos.website, provenance: [`data:${context.rules.source.split(' ')[0]} recipients.pharos`] },
      },
      alternatives: [],
    };
  }
  if (kind === 'iccam') {
    const country = target.hostingCountry;
    const [hotline, ...others] = (country && context.hotlines.byCountry.get(country)) || [];
    if (!hotline) return { alternatives: [] };
    const contact = (h: typeof hotline): RecipientContact => ({
      website: h.website,
      partyName: h.name,
      provenance: [`data:inhope-hotlines.yaml ${h.country}${h.uncertain ? ' (uncertain entry)' : ''}`],
    });
    return {
      recipient: { role: 'hotline', name: hotline.name, country: hotline.country, abuseContact: contact(hotline) },
      alternatives: others.map(contact),
    };
  }
  const party = kind === 'host' ? 'host' : 'registrar';
  const manual = kind === 'host' ? target.recipient : target.registrarRecipient;
  if (manual) {
    const country = manual.country ?? (kind === 'host' ? target.hostingCountry : target.registrarCountry);
    return {
      recipient: {
        role: party,
        name: manual.name ?? (kind === 'host' ? (target.hostingProvider ?? target.host ?? target.url) : (target.registrar ?? 'registrar')),
        ...(country ? { country } : {}),
        abuseContact: { email: manual.email, provenance: [manual.provenance] },
      },
      alternatives: [],
    };
  }
  const contacts: RecipientContact[] = target.abuseContacts
    .filter((c) => (party === 'host' ? c.party !== 'registrar' : c.party === 'registrar') && c.email !== undefined)
    .map((c) => ({
      email: c.email!,
      ...(c.phone ? { phone: c.phone } : {}),
      party: c.party,
      ...(c.partyName ? { partyName: c.partyName } : {}),
      basis: c.basis,
      provenance: [...c.provenance],
    }));
  const [best, ...alternatives] = contacts;
  if (!best) return { alternatives: [] };
  const recipient: Recipient =
    kind === 'host'
      ? {
          role: 'host',
          name: best.partyName ?? target.hostingProvider ?? target.host ?? target.url,
          ...(target.hostingCountry ? { country: target.hostingCountry } : {}),
          abuseContact: best,
        }
      : {
          role: 'registrar',
          name: best.partyName ?? target.registrar ?? 'registrar',
          ...(target.registrarCountry ? { country: target.registrarCountry } : {}),
          ...(target.registrarIanaId ? { ianaId: target.registrarIanaId } : {}),
          abuseContact: best,
        };
  return { recipient, alternatives };
}
