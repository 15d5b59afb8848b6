/** Vigie's library API: everything the CLI does, usable without it. */
export * from './core/errors.js';
export * from './core/records.js';
export * from './core/signals/index.js';
export { hammingDistanceHex } from './core/hex.js';
export { hashFile, DEFAULT_ALGORITHMS, type HashOptions } from './hashing/hash-file.js';
export { hashBatch, type BatchOptions } from './hashing/batch.js';
export { walkFiles, type WalkEntry } from './core/files.js';
export { pdqFromPixels, type PdqResult, type PixelImage } from './hashing/pdq.js';
export { blockhashPrecise, blockhashQuick, BLOCKHASH_GRID } from './hashing/blockhash.js';
export type { RgbaImage } from './hashing/decode.js';
export * from './core/resolution.js';
export { resolveAddresses, lookupRecords, reverseName, type DnsOptions, type AddressResolution } from './net/dns.js';
export { classifyAddress } from './net/addresses.js';
export { cleanUrl, type CleanUrl, type CleanResult } from './net/url.js';
export { followChain, type HttpOptions, type Chain } from './net/http.js';
export { resolveUrl, resolveBatch, Resolver, type ResolveOptions } from './net/resolve.js';
export * from './core/hosting.js';
export { HostingLookup, rankContacts, type HostingLookupOptions, type ResolveAddresses } from './net/hosting.js';
export { createHostingLookup, DEFAULT_RATE_LIMIT_MS, type GeoOptions } from './net/geo.js';
export { openGeoIpDatabase, defaultGeoIpPath, DBIP_CREDIT, type GeoIpDatabase } from './net/geoip.js';
export { RdapBootstrap, updateBootstrap } from './net/rdap-bootstrap.js';
export { RdapClient, type RdapAnswer, type RdapDomainAnswer } from './net/rdap.js';
export { parseRdap } from './net/rdap-parse.js';
export { WhoisClient, type WhoisAnswer } from './net/whois.js';
export { parseWhois } from './net/whois-parse.js';
export { LookupCache, defaultCacheDir } from './net/cache.js';
export { parseTarget, type GeoTarget } from './net/targets.js';
export type { RegistryFacts } from './net/registry-facts.js';
export type {
  Category,
  HashSetEntry,
  HashSetVideo,
  LoadedHashSet,
  Provenance,
  SignalArray,
  VideoFrameRef,
} from './core/hashset.js';
export * from './hashsets/index.js';
export { hashVideo, type VideoHashOptions, type VideoHashes } from './hashing/video/hash-video.js';
export { parseFrameMode, parseFrameSize, type FrameMode, type FrameSize } from './hashing/video/frames.js';
export { formatVpdq, parseVpdq, type ParseVpdqOptions } from './hashing/video/vpdq-format.js';
export {
  compareVideos,
  DEFAULT_VIDEO_MATCH_THRESHOLDS,
  type CompareVideosOptions,
  type VideoComparison,
  type VideoMatchVariant,
} from './matching/video.js';
export * from './core/match.js';
export { Matcher, type MatchOptions } from './matching/matcher.js';
export { readHashRecords } from './matching/hash-records.js';
export { openIndexes, indexPathFor, INDEX_FORMAT_VERSION, type SetIndexes, type OpenIndexesOptions } from './matching/index-file.js';
export { buildIndex, deserializeIndex } from './matching/build-index.js';
export type { HashIndex, IndexHit, IndexKind } from './matching/hash-index.js';
export { ExactIndex } from './matching/exact-index.js';
export { LinearIndex } from './matching/linear-index.js';
export { MihIndex } from './matching/mih-index.js';
export { chooseLayout, type MihLayout } from './matching/mih-layout.js';
// net/hashing reshape (issues 11, 12, 14): the long-lived hasher, records' producer, typed hosting targets,
// the private-address rule, embedded data versions.
export { Hasher, type HasherOptions } from './hashing/hasher.js';
export { hashBytes } from './hashing/hash-file.js';
export { DECODER_VERSION, DEFAULT_MAX_PIXELS } from './hashing/decoder.js';
export { TOOL, VIGIE_VERSION, type Producer } from './core/producer.js';
export type { MediaHasher } from './core/media-hasher.js';
export { decodeEntities } from './core/html-entities.js';
export { targetOfResolution } from './net/targets.js';
export { privateAddressHop } from './net/http.js';
export { netDataVersions, type DataVersion } from './net/data-versions.js';
