/**
 * What `vigie resolve` finds out about one reported URL. Triage and notices consume this record, so every field is
 * part of the contract; the JSON Lines output is this object as is. Times are UTC ISO 8601 (`…Z`).
 */
import type { ErrorInfo } from './errors.js';
import type { Producer } from './producer.js';

export type { ErrorInfo };

/** Where an address lives. Anything but `public` means the URL points somewhere an analyst must look at twice. */
export type AddressScope = 'public' | 'private' | 'loopback' | 'link-local' | 'unspecified' | 'reserved';

/**
 * Facts about the URL itself:
 * - `defanged`: the input had to be refanged (`hxxp`, `[.]`, …)
 * - `scheme-added`: no scheme was given; `http://` was assumed
 * - `ip-literal`: the host is an IP address, not a name
 * - `idn`: the host has non-ASCII (internationalised) labels
 * - `onion`: a Tor `.onion` host (reachable only through `--proxy socks5://…`)
 * - `ipfs`: an IPFS gateway path (`/ipfs/…`, `/ipns/…`) or `*.ipfs.*` subdomain gateway
 * - `shortener`: the host is a known URL shortener (data/shorteners.txt)
 * - `userinfo`: the URL carries `user:password@` (a classic disguise: `https://bank.com@evil.example/`)
 * - `non-default-port`: an explicit port other than 80/443
 * - `private-address`: some address found (DNS or HTTP) is loopback, private, link-local or reserved; such an address is
 *   not requested unless `--allow-private` (the hop says so with the error `private-address`)
 */
export type UrlFlag =
  | 'defanged'
  | 'scheme-added'
  | 'ip-literal'
  | 'idn'
  | 'onion'
  | 'ipfs'
  | 'shortener'
  | 'userinfo'
  | 'non-default-port'
  | 'private-address';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
  /** Seconds, as the resolver gave it (0 for an IP literal). */
  ttl: number;
  scope: AddressScope;
}

export interface DnsAddress extends ResolvedAddress {
  /** Reverse (PTR) names of the address; empty when there are none. */
  ptr: string[];
}

export interface NameServer {
  name: string;
  ttl: number;
}

export interface MailExchange {
  exchange: string;
  preference: number;
  ttl: number;
}

/** The DNS view of one host at resolution time. */
export interface DnsRecords {
  /** The host asked for (ASCII/punycode, lowercase). */
  name: string;
  /** CNAME targets in order, from the host's alias to the name that holds the addresses. */
  cnameChain: string[];
  /** A and AAAA records of the end of the chain. */
  addresses: DnsAddress[];
  /** The name NS and MX were asked for: the registrable domain (host names rarely have their own). */
  zone: string;
  ns: NameServer[];
  mx: MailExchange[];
  /** Why there are no addresses: `nxdomain`, `servfail`, `refused`, `timeout`, … (see src/net/dns.ts). */
  error?: ErrorInfo;
}

/** The server's TLS certificate as presented on the connection actually used. */
export interface CertificateInfo {
  /** Distinguished names as `CN=…, O=…` (the order Node reports). */
  subject: string;
  issuer: string;
  /** Subject alternative names as the certificate lists them (`DNS:…, IP Address:…`). */
  subjectAltName?: string;
  validFrom: string;
  validTo: string;
  /** SHA-256 of the DER certificate, uppercase hex pairs separated by colons (as browsers show it). */
  fingerprintSha256: string;
  serialNumber: string;
  /** Whether the chain verified against the system's CA store and the host name matched; false is recorded, not fatal. */
  trusted: boolean;
  /** Why not, when `trusted` is false (e.g. `DEPTH_ZERO_SELF_SIGNED_CERT`). */
  trustError?: string;
}

/** One HTTP request of the chain. */
export interface Hop {
  /** The URL requested. */
  url: string;
  /** When the request started (UTC). */
  timestamp: string;
  /** The address and port the connection actually went to (the proxy's, when `via` is set). */
  ip?: string;
  port?: number;
  /** Scope of `ip`. */
  scope?: AddressScope;
  /** `http-proxy` or `socks5` when the request went through `--proxy`. */
  via?: string;
  status?: number;
  /** The raw `Location` header (relative ones included), when there was one. */
  location?: string;
  /** The `Server` header. */
  server?: string;
  contentType?: string;
  /** The `ETag` header: with `contentLength` and `lastModified`, tells a re-check whether a media file was replaced. */
  etag?: string;
  /** The `Content-Length` header as sent (a string: it is the server's claim, never the bytes read). */
  contentLength?: string;
  /** The `Last-Modified` header as sent. */
  lastModified?: string;
  /** `HEAD` when the hop was asked with HEAD (a re-check of a direct media URL); absent for GET. */
  method?: 'HEAD';
  tls?: CertificateInfo;
  /** How the next hop was found: `location` (3xx) or `meta-refresh` (HTML `<meta http-equiv="refresh">`). */
  next?: 'location' | 'meta-refresh';
  /** HTML bytes read (only HTML is read, up to the byte cap, to look for a meta refresh). */
  bodyBytesRead?: number;
  /** The HTML body was longer than the cap; the rest was not read. */
  bodyTruncated?: boolean;
  /** The request failed: `timeout`, `connect-failed`, `tls-failed`, `header-too-large`, … */
  error?: ErrorInfo;
}

/** The result of resolving one input line. */
export interface ResolutionRecord {
  /** The line as given (capped at 2,000 characters in the record, so a hostile megabyte does not echo back). */
  input: string;
  /** The cleaned URL: refanged, schemed, WHATWG-normalised, punycode host, no fragment. */
  url?: string;
  /** The host in both forms: `unicode` for people, `ascii` (punycode) for machines. */
  host?: { unicode: string; ascii: string };
  /** eTLD+1 with private suffixes (`alice.blogspot.com`, not `blogspot.com`); absent for IP literals. */
  registrableDomain?: string;
  flags: UrlFlag[];
  /** DNS records of the input's host; absent for IP literals and `.onion`. */
  dns?: DnsRecords;
  /** Every HTTP request in order (empty with `--no-http`). */
  hops: Hop[];
  /** Where the chain ended: the last URL requested (the cleaned URL with `--no-http`). */
  finalUrl?: string;
  /** Addresses of the final URL's host (with `--no-http`, the input host's); empty through a proxy. */
  finalAddresses?: ResolvedAddress[];
  /** When resolution started (UTC). */
  observedAt: string;
  /** The vigie version that resolved it. */
  producer: Producer;
  /** Set when the URL could not be resolved to an answer (bad input, DNS failure, HTTP failure); the batch goes on. */
  error?: ErrorInfo;
}
