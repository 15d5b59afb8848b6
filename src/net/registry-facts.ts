import type { AbuseContact, DomainRegistration, NetworkInfo } from '../core/hosting.js';

/** What one registry answer (RDAP JSON or WHOIS text) says, before the answers of all sources are combined. */
export interface RegistryFacts {
  /** `rdap:ripe`, `whois:whois.ripe.net`. */
  source: string;
  /** The registry says the object does not exist. */
  notFound?: boolean;
  network?: NetworkInfo;
  domain?: Omit<DomainRegistration, 'sources'>;
  autnum?: { asn: number; name?: string; holder?: string; country?: string };
  /** Abuse and fallback contacts, each with a single provenance. */
  contacts: AbuseContact[];
  /** RDAP `related` links: the registrar's RDAP record of a domain. */
  related?: string[];
  /** A WHOIS referral to another server. */
  referral?: WhoisReferral;
}

export interface WhoisReferral {
  host: string;
  port: number;
  /** `rwhois` referrals are reported, not followed. */
  scheme: 'whois' | 'rwhois';
  /** The field that carried it, e.g. `ReferralServer`. */
  field: string;
}

const EMAIL = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

export function emailsIn(text: string): string[] {
  return [...new Set((text.match(EMAIL) ?? []).map((email) => email.toLowerCase()))];
}

/** A free-text line that tells where to send complaints (`please send abuse reports to …`). */
export function mentionsAbuse(text: string): boolean {
  return /abuse|spam|complain|report/i.test(text);
}
