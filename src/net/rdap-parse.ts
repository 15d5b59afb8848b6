import type { AbuseContact, RegistrationEvent } from '../core/hosting.js';
import { cleanAddress, rangeToCidrs } from './ip.js';
import { emailsIn, mentionsAbuse, type RegistryFacts } from './registry-facts.js';

/** The parts of an RDAP object (RFC 9083) read here. */
interface RdapObject {
  objectClassName?: string;
  handle?: string;
  name?: string;
  ldhName?: string;
  startAddress?: string;
  endAddress?: string;
  startAutnum?: number;
  country?: string;
  status?: string[];
  roles?: string[];
  entities?: RdapObject[];
  vcardArray?: [string, VcardProperty[]];
  publicIds?: { type?: string; identifier?: string }[];
  remarks?: { title?: string; description?: string[] }[];
  events?: { eventAction?: string; eventDate?: string }[];
  links?: { rel?: string; href?: string; type?: string }[];
  cidr0_cidrs?: { v4prefix?: string; v6prefix?: string; length?: number }[];
}

type VcardProperty = [string, Record<string, unknown>, string, unknown];

interface Vcard {
  name?: string;
  emails: string[];
  phones: string[];
  country?: string;
}

function readVcard(entity: RdapObject): Vcard {
  const properties = Array.isArray(entity.vcardArray?.[1]) ? entity.vcardArray[1] : [];
  const card: Vcard = { emails: [], phones: [] };
  let fn: string | undefined;
  let org: string | undefined;
  for (const property of properties) {
    if (!Array.isArray(property)) continue;
    const [name, parameters, , value] = property;
    if (name === 'fn' && typeof value === 'string' && value.trim()) fn = value.trim();
    else if (name === 'org') org = (Array.isArray(value) ? value.join(' ') : String(value ?? '')).trim() || org;
    else if (name === 'email' && typeof value === 'string') card.emails.push(value.trim().toLowerCase());
    else if (name === 'tel' && typeof value === 'string') card.phones.push(value.replace(/^tel:/, '').trim());
    else if (name === 'adr') card.country = adrCountry(parameters, value) ?? card.country;
  }
  card.name = org ?? fn;
  return card;
}

/** The country of a vCard address: the structured field, or the last line of the `label` (ARIN's layout). */
function adrCountry(parameters: Record<string, unknown>, value: unknown): string | undefined {
  const structured = Array.isArray(value) ? value[6] : undefined;
  if (typeof structured === 'string' && structured.trim()) return structured.trim();
  const label = parameters?.label;
  if (typeof label === 'string') return label.trim().split(/\n|\\n/).pop()?.trim() || undefined;
  const cc = parameters?.cc;
  return typeof cc === 'string' ? cc : undefined;
}

/**
 * Short registry names for the RIR servers, so provenance reads `rdap:ripe entity …`. A mirror on a loopback address
 * is named by its first path segment (`http://127.0.0.1:8080/ripe/…` → `ripe`, `…/rdap.verisign.com/…` →
 * `rdap.verisign.com`).
 */
export function registryLabel(url: string): string {
  const { hostname, pathname } = new URL(url);
  const mirrored = /^(127\.|localhost$|\[::1\]$)/.test(hostname) ? pathname.split('/')[1] : undefined;
  const name = mirrored && /[a-z]/i.test(mirrored) ? mirrored : hostname;
  return /\b(arin|ripe|apnic|lacnic|afrinic)\b/.exec(name)?.[1] ?? name;
}

/**
 * Reads an RDAP answer: network/autnum/domain facts and every contact. Abuse contacts come from entities whose roles
 * include `abuse`, at any depth (registries nest them under the registrant or registrar); addresses in remarks that
 * talk about abuse come next (AFRINIC and APNIC put them there).
 */
export function parseRdap(data: unknown, registry: string): RegistryFacts {
  const root = (data ?? {}) as RdapObject;
  const source = `rdap:${registry}`;
  const facts: RegistryFacts = { source, contacts: [] };
  const kind = root.objectClassName ?? (root.startAddress ? 'ip network' : root.ldhName ? 'domain' : undefined);

  const registrant = findEntity(root, 'registrant');
  const registrar = findEntity(root, 'registrar');
  const registrantCard = registrant && readVcard(registrant);
  const registrarCard = registrar && readVcard(registrar);
  const events = readEvents(root);

  if (kind === 'ip network') {
    const start = root.startAddress && cleanAddress(root.startAddress);
    const end = root.endAddress && cleanAddress(root.endAddress);
    const cidrs = root.cidr0_cidrs
      ?.map((c) => (c.v4prefix ?? c.v6prefix) && `${c.v4prefix ?? c.v6prefix}/${c.length}`)
      .filter((c): c is string => !!c);
    facts.network = {
      source,
      handle: root.handle,
      name: root.name,
      startAddress: start,
      endAddress: end,
      cidr: cidrs?.length ? cidrs : start && end ? rangeToCidrs(start, end) : undefined,
      country: root.country ?? registrantCard?.country,
      holder: registrantCard?.name,
      events,
    };
  } else if (kind === 'autnum') {
    facts.autnum = {
      asn: Number(root.startAutnum ?? String(root.handle ?? '').replace(/^AS/i, '')),
      name: root.name,
      holder: registrantCard?.name,
      country: root.country ?? registrantCard?.country,
    };
  } else if (kind === 'domain') {
    facts.domain = {
      handle: root.handle,
      registrar: registrarCard?.name ?? registrar?.handle,
      registrarIanaId: registrar?.publicIds?.find((id) => /iana/i.test(id.type ?? ''))?.identifier,
      registrant: registrantCard?.name ?? registrant?.handle,
      registrantCountry: registrantCard?.country,
      registrarCountry: registrarCard?.country,
      events,
      status: root.status,
    };
    facts.related = (root.links ?? [])
      .filter((link) => link.rel === 'related' && link.href && (!link.type || /rdap/.test(link.type)))
      .map((link) => link.href as string);
  }

  const holderParty: AbuseContact['party'] = kind === 'domain' ? 'domain' : 'host';
  collectContacts(root, [], source, holderParty, registrantCard?.name, facts.contacts);
  // A registrar's general address is the last resort when it names no abuse contact (AFNIC, Norid).
  if (registrar && !facts.contacts.some((c) => c.party === 'registrar')) {
    for (const email of registrarCard?.emails ?? []) {
      facts.contacts.push({
        email,
        party: 'registrar',
        partyName: registrarCard?.name,
        basis: 'contact',
        provenance: [`${source} entity ${registrar.handle ?? 'registrar'}`],
      });
    }
  }
  return facts;
}

function collectContacts(
  object: RdapObject,
  ancestors: RdapObject[],
  source: string,
  holderParty: AbuseContact['party'],
  holderName: string | undefined,
  into: AbuseContact[],
): void {
  const underRegistrar = [object, ...ancestors].some((entity) => entity.roles?.includes('registrar'));
  const party = underRegistrar ? 'registrar' : holderParty;
  const partyName = underRegistrar
    ? readVcard([object, ...ancestors].find((entity) => entity.roles?.includes('registrar')) as RdapObject).name
    : holderName;
  const where = object.handle ?? (ancestors[0]?.handle ? `${ancestors[0].handle}/${object.roles?.join(',')}` : 'unnamed');
  if (object.roles?.includes('abuse')) {
    const card = readVcard(object);
    const phone = card.phones[0];
    for (const email of card.emails) {
      into.push({ email, phone, party, partyName, basis: 'role', provenance: [`${source} entity ${where}`] });
    }
    if (card.emails.length === 0 && phone) {
      into.push({ phone, party, partyName, basis: 'role', provenance: [`${source} entity ${where}`] });
    }
  }
  for (const remark of object.remarks ?? []) {
    const text = [remark.title ?? '', ...(remark.description ?? [])].join('\n');
    for (const line of text.split('\n').filter(mentionsAbuse)) {
      for (const email of emailsIn(line)) {
        const provenance = ancestors.length === 0 ? `${source} remarks` : `${source} entity ${where} remarks`;
        into.push({ email, party, partyName, basis: 'remark', provenance: [provenance] });
      }
    }
  }
  for (const child of object.entities ?? []) {
    collectContacts(child, [object, ...ancestors].filter((o) => o !== undefined && o.roles), source, holderParty, holderName, into);
  }
}

function findEntity(object: RdapObject, role: string): RdapObject | undefined {
  for (const entity of object.entities ?? []) {
    if (entity.roles?.includes(role)) return entity;
  }
  for (const entity of object.entities ?? []) {
    const nested = findEntity(entity, role);
    if (nested) return nested;
  }
  return undefined;
}

function readEvents(object: RdapObject): RegistrationEvent[] | undefined {
  const events = (object.events ?? [])
    .filter((event) => event.eventAction && event.eventDate)
    .map((event) => ({ action: event.eventAction as string, date: event.eventDate as string }));
  return events.length ? events : undefined;
}

/** An RDAP error object (`errorCode`, `title`, `description`) as one line, or undefined for a normal answer. */
export function rdapError(data: unknown): { code: number; message: string } | undefined {
  const error = data as { errorCode?: number; title?: string; description?: string[] } | undefined;
  if (typeof error?.errorCode !== 'number') return undefined;
  return { code: error.errorCode, message: [error.title, ...(error.description ?? [])].filter(Boolean).join(': ') };
}
