import type { AbuseContact, DomainContact, DomainRegistration, NetworkInfo, RegistrationEvent } from '../core/hosting.js';
import { cidrRange, cleanAddress, ipToBigInt, rangeToCidrs } from './ip.js';
import { emailsIn, mentionsAbuse, type RegistryFacts, type WhoisReferral } from './registry-facts.js';
import { first, firstAnywhere, splitWhois, values, type WhoisBlock, type WhoisText } from './whois-text.js';

/** Answers that mean "no such object", across registries. */
const NOT_FOUND = [
  /^No match for /im,
  /^%*\s*No entries found/im,
  /^No Data Found/im,
  /^NOT FOUND\b/im,
  /^Domain not found/im,
  /^No match\b/im,
  /^%ERROR:101: no entries found/im,
  /^Status:\s*free\s*$/im,
  /^No entries found for the selected source/im,
  /^The queried object does not exist/im,
  /is available for (registration|purchase)/i,
];

/**
 * Reads one WHOIS answer of `server` for `query`: the network (RPSL registries RIPE/APNIC/AFRINIC/LACNIC, ARIN), or the
 * domain registration (ICANN-format registries and registrars, AFNIC, DENIC, SIDN, .ru), the abuse contacts, and the
 * referral to follow.
 */
export function parseWhois(answer: string, server: string, query: string): RegistryFacts {
  const source = `whois:${server}`;
  const text = splitWhois(answer);
  const facts: RegistryFacts = { source, contacts: [] };
  facts.referral = findReferral(text, server);
  if (NOT_FOUND.some((pattern) => pattern.test(answer)) && text.blocks.every((b) => !isNetworkBlock(b))) {
    facts.notFound = true;
    return facts;
  }
  const network = readNetwork(text, source, query);
  if (network) {
    facts.network = network.info;
    facts.contacts.push(...networkContacts(text, source, network.block, network.info.holder));
  } else if (isDomainAnswer(text)) {
    facts.domain = readDomain(text);
    facts.contacts.push(...domainContacts(text, source, facts.domain));
  }
  return facts;
}

function isNetworkBlock(block: WhoisBlock): boolean {
  const key = block.fields[0]?.[0];
  return key === 'inetnum' || key === 'inet6num' || key === 'netrange';
}

// ── referrals ────────────────────────────────────────────────────────────────────────────────────────────────────

const REFERRAL_KEYS = ['referralserver', 'refer', 'whois', 'registrar whois server', 'whois server'];

function findReferral(text: WhoisText, server: string): WhoisReferral | undefined {
  for (const key of REFERRAL_KEYS) {
    const value = firstAnywhere(text, key);
    if (!value) continue;
    const referral = parseReferral(value, key);
    // A registrar's server naming itself is the end of the chain; any other self-referral is a loop, caught later.
    const namesItself = referral?.host === server.toLowerCase() && key.endsWith('whois server');
    if (referral && !namesItself) return referral;
  }
  return undefined;
}

/** `whois://host:port`, `rwhois://host:4321`, `whois.ripe.net`, `WHOIS.ENOM.COM`. */
export function parseReferral(value: string, field: string): WhoisReferral | undefined {
  const match = /^(?:(r?whois):\/\/)?([A-Za-z0-9.-]+\.[A-Za-z]{2,}|\d+\.\d+\.\d+\.\d+)(?::(\d+))?\/?$/.exec(value.trim());
  if (!match) return undefined;
  const scheme = match[1]?.toLowerCase() === 'rwhois' ? 'rwhois' : 'whois';
  const port = match[3] ? Number(match[3]) : scheme === 'rwhois' ? 4321 : 43;
  return { host: match[2].toLowerCase(), port, scheme, field: displayField(field) };
}

function displayField(key: string): string {
  const names: Record<string, string> = {
    referralserver: 'ReferralServer',
    'registrar whois server': 'Registrar WHOIS Server',
    'whois server': 'Whois Server',
  };
  return names[key] ?? key;
}

// ── networks ─────────────────────────────────────────────────────────────────────────────────────────────────────

function blockRange(block: WhoisBlock): { start: string; end: string } | undefined {
  const raw = first(block, 'inetnum', 'inet6num', 'netrange');
  if (!raw) return undefined;
  const dash = /^(\S+)\s*-\s*(\S+)$/.exec(raw);
  if (dash) {
    const start = cleanAddress(dash[1]);
    const end = cleanAddress(dash[2]);
    return start && end ? { start, end } : undefined;
  }
  return cidrRange(raw);
}

/** The most specific network block that holds the address asked about (APNIC and ARIN list several). */
function readNetwork(text: WhoisText, source: string, query: string): { info: NetworkInfo; block: WhoisBlock } | undefined {
  const candidates = text.blocks.filter(isNetworkBlock).map((block) => ({ block, range: blockRange(block) }));
  if (candidates.length === 0) return undefined;
  const address = cleanAddress(query.replace(/^n \+?\s*/, ''));
  const size = (r?: { start: string; end: string }) => (r ? ipToBigInt(r.end) - ipToBigInt(r.start) : 1n << 130n);
  const holds = (r?: { start: string; end: string }) =>
    !!address && !!r && ipToBigInt(r.start) <= ipToBigInt(address) && ipToBigInt(address) <= ipToBigInt(r.end);
  const containing = candidates.filter((c) => holds(c.range));
  const { block, range } = (containing.length ? containing : candidates.slice(0, 1)).reduce((best, c) =>
    size(c.range) < size(best.range) ? c : best,
  );
  const org = organisationFor(text, block);
  const cidrField = first(block, 'cidr');
  const info: NetworkInfo = {
    source,
    handle: first(block, 'nethandle', 'ownerid'),
    name: first(block, 'netname', 'owner'),
    startAddress: range?.start,
    endAddress: range?.end,
    cidr: cidrField ? cidrField.split(/,\s*/) : range ? rangeToCidrs(range.start, range.end) : undefined,
    country: first(block, 'country') ?? first(org, 'country'),
    holder: first(org, 'org-name', 'orgname') ?? first(block, 'owner', 'descr'),
    events: events(block, { regdate: 'registration', created: 'registration', 'last-modified': 'last changed', updated: 'last changed', changed: 'last changed' }),
  };
  if (!info.handle && /^(inetnum|inet6num)$/.test(block.fields[0][0])) info.handle = block.fields[0][1];
  return { info: clean(info), block };
}

/** ARIN puts the organisation in the paragraph after the network; RPSL registries link it with `org:`. */
function organisationFor(text: WhoisText, network: WhoisBlock): WhoisBlock | undefined {
  const orgHandle = first(network, 'org');
  if (orgHandle) return text.blocks.find((b) => first(b, 'organisation') === orgHandle);
  const index = text.blocks.indexOf(network);
  return text.blocks.slice(index + 1).find((b) => first(b, 'orgname') !== undefined);
}

function networkContacts(text: WhoisText, source: string, network: WhoisBlock, holder: string | undefined): AbuseContact[] {
  const contacts: AbuseContact[] = [];
  const add = (email: string, basis: AbuseContact['basis'], detail: string) =>
    contacts.push({ email: email.toLowerCase(), party: 'host', partyName: holder, basis, provenance: [`${source} ${detail}`] });

  for (const comment of text.comments) {
    const line = /Abuse contact for .* is '([^']+)'/i.exec(comment);
    if (line) for (const email of emailsIn(line[1])) add(email, 'role', '% Abuse contact');
  }
  // ARIN: the organisation's abuse POC, in the paragraphs after the network.
  const index = text.blocks.indexOf(network);
  const arinAbuse = [...text.blocks.slice(index), ...text.blocks.slice(0, index)]
    .map((b) => first(b, 'orgabuseemail'))
    .find(Boolean);
  if (arinAbuse) add(arinAbuse, 'role', 'OrgAbuseEmail');
  for (const block of text.blocks) {
    const name = block.fields[0][1];
    for (const email of values(block, 'abuse-mailbox')) add(email, 'role', `abuse-mailbox (${name})`);
  }
  // LACNIC and RPSL: abuse-c names a contact object, whose address is the abuse address.
  for (const handle of values(network, 'abuse-c')) {
    const contact = text.blocks.find((b) => first(b, 'nic-hdl') === handle);
    for (const email of values(contact, 'e-mail')) add(email, 'role', `abuse-c ${handle} e-mail`);
  }
  for (const block of text.blocks) {
    const name = block.fields[0][1];
    for (const remark of [...values(block, 'remarks'), ...values(block, 'comment')].filter(mentionsAbuse)) {
      for (const email of emailsIn(remark)) add(email, 'remark', `remarks (${name})`);
    }
  }
  return contacts;
}

// ── domains ──────────────────────────────────────────────────────────────────────────────────────────────────────

function isDomainAnswer(text: WhoisText): boolean {
  return ['domain name', 'domain', 'registrar'].some((key) => firstAnywhere(text, key) !== undefined);
}

type DomainFacts = Omit<DomainRegistration, 'sources'>;

function readDomain(text: WhoisText): DomainFacts {
  const domainBlock = text.blocks.find((b) => first(b, 'domain name', 'domain') !== undefined);
  const registrarBlock = text.blocks.find((b) => b.fields[0]?.[0] === 'registrar' && b !== domainBlock);
  const holderHandle = first(domainBlock, 'holder-c');
  const holderBlock = holderHandle ? text.blocks.find((b) => first(b, 'nic-hdl') === holderHandle) : undefined;
  const denicHolder = text.blocks.find((b) => b.section === 'holder');
  const sidnRegistrant = withoutHandle(values(findBlock(text, 'registrant'), 'registrant'));
  const sidnRegistrar = withoutHandle(values(findBlock(text, 'registrar'), 'registrar'));
  const facts: DomainFacts = {
    handle: firstAnywhere(text, 'registry domain id'),
    registrar: firstAnywhere(text, 'registrar', 'sponsoring registrar') ?? sidnRegistrar[0],
    registrarIanaId: firstAnywhere(text, 'registrar iana id'),
    registrant:
      firstAnywhere(text, 'registrant organization', 'registrant name', 'org') ??
      first(holderBlock, 'contact') ??
      first(denicHolder, 'organisation', 'name') ??
      sidnRegistrant[0],
    registrantCountry:
      firstAnywhere(text, 'registrant country') ??
      first(holderBlock, 'country') ??
      first(denicHolder, 'countrycode') ??
      (sidnRegistrant.length > 1 ? sidnRegistrant.at(-1) : undefined),
    registrarCountry: first(registrarBlock, 'country'),
    status: [...new Set(text.blocks.flatMap((b) => [...values(b, 'domain status'), ...values(b, 'status'), ...values(b, 'state')]))]
      .map((s) => s.split(/\s+https?:/)[0]),
    events: eventsAnywhere(text),
    contacts: readDomainContacts(text),
  };
  return clean(facts);
}

/** SIDN's value lists start with a handle (`GOO001748-MARKM`) before the name. */
function withoutHandle(lines: string[]): string[] {
  return lines.length > 1 && /^[A-Z0-9]+-[A-Z0-9]+$/.test(lines[0]) ? lines.slice(1) : lines;
}

function findBlock(text: WhoisText, key: string): WhoisBlock | undefined {
  return text.blocks.find((b) => values(b, key).length > 1);
}

/** DENIC `[Tech-C]`/`[Zone-C]` sections and SIDN contact lists: who runs the domain when no registrant is shown. */
function readDomainContacts(text: WhoisText): DomainContact[] | undefined {
  const contacts: DomainContact[] = [];
  for (const block of text.blocks.filter((b) => b.section)) {
    contacts.push(
      clean({
        role: block.section as string,
        name: first(block, 'name'),
        organisation: first(block, 'organisation'),
        email: first(block, 'email')?.toLowerCase(),
        country: first(block, 'countrycode'),
      }),
    );
  }
  for (const key of ['administrative contact', 'technical contact(s)']) {
    const lines = withoutHandle(values(findBlock(text, key), key));
    if (lines.length) contacts.push(clean({ role: key.replace('(s)', ''), name: lines[0], email: emailsIn(lines.join(' '))[0] }));
  }
  return contacts.length ? contacts : undefined;
}

function domainContacts(text: WhoisText, source: string, domain: DomainFacts): AbuseContact[] {
  const contacts: AbuseContact[] = [];
  const registrar = domain.registrar;
  const abuseEmail = firstAnywhere(text, 'registrar abuse contact email');
  const abusePhone = firstAnywhere(text, 'registrar abuse contact phone');
  if (abuseEmail && emailsIn(abuseEmail).length) {
    contacts.push({
      email: emailsIn(abuseEmail)[0],
      phone: abusePhone,
      party: 'registrar',
      partyName: registrar,
      basis: 'role',
      provenance: [`${source} Registrar Abuse Contact Email`],
    });
  }
  // AFNIC: a contact object's `trouble:` lines say where spam and abuse go.
  for (const block of text.blocks) {
    for (const line of values(block, 'trouble').filter(mentionsAbuse)) {
      for (const email of emailsIn(line)) {
        contacts.push({ email, party: 'domain', basis: 'remark', provenance: [`${source} trouble (${block.fields[0][1]})`] });
      }
    }
  }
  // AFNIC's registrar object: its general address is the fallback.
  const registrarBlock = text.blocks.find((b) => b.fields[0]?.[0] === 'registrar' && values(b, 'e-mail').length > 0);
  if (contacts.every((c) => c.party !== 'registrar')) {
    for (const email of values(registrarBlock, 'e-mail')) {
      contacts.push({ email: email.toLowerCase(), party: 'registrar', partyName: registrar, basis: 'contact', provenance: [`${source} registrar e-mail`] });
    }
  }
  return contacts;
}

// ── shared ───────────────────────────────────────────────────────────────────────────────────────────────────────

const DOMAIN_EVENTS: Record<string, string> = {
  'creation date': 'registration',
  created: 'registration',
  'date registered': 'registration',
  'registry expiry date': 'expiration',
  'registrar registration expiration date': 'expiration',
  'expiration date': 'expiration',
  'expiry date': 'expiration',
  'paid-till': 'expiration',
  'updated date': 'last changed',
  'last-update': 'last changed',
  changed: 'last changed',
  'record last updated': 'last changed',
};

function eventsAnywhere(text: WhoisText): RegistrationEvent[] | undefined {
  const seen = new Set<string>();
  const found: RegistrationEvent[] = [];
  for (const block of text.blocks.filter((b) => !b.section && !first(b, 'nic-hdl'))) {
    for (const event of events(block, DOMAIN_EVENTS) ?? []) {
      if (!seen.has(event.action)) found.push(event);
      seen.add(event.action);
    }
  }
  return found.length ? found : undefined;
}

function events(block: WhoisBlock, keys: Record<string, string>): RegistrationEvent[] | undefined {
  const found = block.fields
    .filter(([key, value]) => keys[key] && value)
    .map(([key, value]) => ({ action: keys[key], date: value.split(/\s+/)[0] }));
  return found.length ? found : undefined;
}

function clean<T extends object>(object: T): T {
  return Object.fromEntries(
    Object.entries(object).filter(([, value]) => value !== undefined && !(Array.isArray(value) && value.length === 0)),
  ) as T;
}
