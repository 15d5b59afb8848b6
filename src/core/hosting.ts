import type { ErrorInfo } from './errors.js';
import type { Producer } from './producer.js';

/**
 * Where a URL, domain or address is hosted and whom to notify: the record `vigie geo` writes (one per target) and the
 * notices/triage work reads. Every fact says which source gave it, because analysts must be able to justify a
 * referral ("RIPE says NL") and because sources disagree.
 *
 * Provenance strings have the form `<source>:<server> <detail>`:
 * - `geoip:<database file name>` — a MaxMind-format database;
 * - `rdap:<registry> entity <handle>` — an RDAP entity (registry is `arin`, `ripe`, `apnic`, `lacnic`, `afrinic`, or
 *   the RDAP server's host name), `rdap:<registry> remarks` for an address found in free text;
 * - `whois:<server> <field>` — a WHOIS field, e.g. `whois:whois.arin.net OrgAbuseEmail`.
 */
export interface HostingInfo {
  /** The input as given (URL, domain, IP address). */
  target: string;
  /** What the input was recognised as. */
  kind: 'url' | 'domain' | 'ip';
  /** The host name of a URL or the domain itself; absent for an IP address. */
  host?: string;
  /**
   * The host's registrable domain by the public suffix list WITH its private suffixes (`alice.blogspot.com`): who
   * controls the content, the same as ResolutionRecord's `registrableDomain`.
   */
  registrableDomain?: string;
  /** The domain the registry knows (ICANN suffixes only: `blogspot.com`); `registration` is about this one. */
  registryDomain?: string;
  /** Every address the host resolved to (or the IP itself), each located on its own. */
  addresses: AddressInfo[];
  /** Registration of `registryDomain`: registrar, registrant, dates. */
  registration?: DomainRegistration;
  /**
   * Abuse contacts, best first: the network holder's (the host, who can take content down) before the registrar's
   * (the fallback), a registry's `abuse` role before a free-text remark. The same address found by several sources
   * appears once, with every provenance.
   */
  abuseContacts: AbuseContact[];
  /** Facts on which sources did not agree (country, abuse address), so an analyst can check before referring. */
  disagreements: Disagreement[];
  /** Each lookup made for this target and how it ended. */
  lookups: LookupOutcome[];
  /** Attribution the data licences require (DB-IP Lite: CC BY 4.0). */
  credits: string[];
  /** Things an analyst should know (an `rwhois://` referral not followed, a database that does not cover IPv6…). */
  warnings?: string[];
  /** When the lookup started (UTC). */
  observedAt: string;
  /** The vigie version and the GeoIP databases asked, with their build dates. */
  producer: Producer;
  /**
   * Set when the target could not be handled (not a URL/domain/IP: `bad-target`; no address: `no-address`) or when
   * every registry lookup failed (`lookups-failed`: whatever the record holds is incomplete); the batch goes on.
   */
  error?: ErrorInfo;
}

export interface AddressInfo {
  address: string;
  family: 4 | 6;
  /** ISO 3166-1 alpha-2 of where the address is used, from the first GeoIP database that knows it. */
  country?: string;
  /** Which database said so (`geoip:dbip-country.mmdb`). */
  countrySource?: string;
  /** The answer of every GeoIP database that covers this address family, in the order they were given. */
  geoip: GeoIpAnswer[];
  /** The network the address belongs to, from RDAP or WHOIS. */
  network?: NetworkInfo;
  /** Autonomous system number and its operator, from an ASN database or RDAP autnum. */
  asn?: number;
  asOrganization?: string;
  /** Where the ASN came from. */
  asnSource?: string;
}

/** One GeoIP database's answer for one address; only the fields that database has are present. */
export interface GeoIpAnswer {
  /** `geoip:<file name>`. */
  source: string;
  /** The database's `databaseType` metadata, e.g. `GeoIP2-City`, `country` (ip-location-db layout). */
  databaseType: string;
  /** The network the answer covers (CIDR), when the database says. */
  network?: string;
  country?: string;
  registeredCountry?: string;
  city?: string;
  /** ISO 3166-2 subdivision codes, largest first. */
  subdivisions?: string[];
  latitude?: number;
  longitude?: number;
  asn?: number;
  asOrganization?: string;
  isp?: string;
  organization?: string;
  /** The database has no record for this address. */
  notFound?: boolean;
}

/** An IP network as registered with a regional internet registry. */
export interface NetworkInfo {
  /** `rdap:ripe` or `whois:whois.ripe.net`. */
  source: string;
  /** Registry handle, e.g. `NET-74-125-0-0-1`. */
  handle?: string;
  /** Network name (`netname`, `NetName`, RDAP `name`), e.g. `BT-CORPORATE`. */
  name?: string;
  /** First and last address of the range. */
  startAddress?: string;
  endAddress?: string;
  /** The range as CIDR blocks. */
  cidr?: string[];
  /** Country code as registered (the holder's country, not necessarily the server's). */
  country?: string;
  /** The holder organisation (RDAP registrant, `OrgName`, `org-name`, `owner`, first `descr`). */
  holder?: string;
  /** Registration events (`registration`, `last changed`) as ISO dates where the source gave one. */
  events?: RegistrationEvent[];
}

/** A domain's registration as the registry (and, when followed, the registrar) publishes it. */
export interface DomainRegistration {
  /** Where it came from: `rdap:rdap.verisign.com`, then the registrar's `rdap:rdap.markmonitor.com`. */
  sources: string[];
  handle?: string;
  registrar?: string;
  /** The registrar's IANA id (ICANN-accredited registrars only). */
  registrarIanaId?: string;
  /** Registrant organisation or name, when not redacted. */
  registrant?: string;
  /** Country of the registrant: a code where the source gives one, otherwise the name as written. */
  registrantCountry?: string;
  /** Country of the registrar (registries such as Norid show no registrant, only the registrar). */
  registrarCountry?: string;
  /** `registration`, `expiration`, `last changed`… */
  events?: RegistrationEvent[];
  status?: string[];
  /** The registry says the domain does not exist. */
  notFound?: boolean;
  /** Technical/zone/administrative contacts where the registry shows no registrant (DENIC, SIDN). */
  contacts?: DomainContact[];
}

export interface DomainContact {
  /** As the registry names it: `tech-c`, `zone-c`, `administrative contact`. */
  role: string;
  name?: string;
  organisation?: string;
  email?: string;
  country?: string;
}

export interface RegistrationEvent {
  action: string;
  date: string;
}

export interface AbuseContact {
  /** Lower-cased address. */
  email?: string;
  phone?: string;
  /** Whose contact it is: the network holder (`host`), the registrar, or the domain's own contacts. */
  party: 'host' | 'registrar' | 'domain';
  /** Name of the party (network holder, registrar), when known. */
  partyName?: string;
  /**
   * How it was found, strongest first: `role` (an RDAP entity with role abuse, a WHOIS abuse field), `contact` (a
   * general contact of the holder), `remark` (free text that mentions abuse).
   */
  basis: 'role' | 'contact' | 'remark';
  /** Every source that gave this address. */
  provenance: string[];
}

export interface Disagreement {
  /** `country`, `abuse-email`… */
  field: string;
  /** Each source's value. */
  values: { value: string; source: string }[];
}

export interface LookupOutcome {
  /** `geoip:<file>`, `rdap:<registry>`, `whois:<server>`, `dns`. */
  source: string;
  /** What was asked: an address, an AS number, a domain. */
  query: string;
  status: 'ok' | 'not-found' | 'error' | 'skipped';
  /** Answered from the local cache. */
  cached?: boolean;
  error?: ErrorInfo;
}
