/** Vigie's library API: everything the CLI does, usable without it. */
export * from './core/errors.js';
export * from './core/records.js';
export * from './core/signals/index.js';
export { hammingDistanceHex } from './core/hex.js';
export { hashFile, DEFAULT_ALGORITHMS, type HashOptions } from './hashing/hash-file.js';
export { hashBatch, type BatchOptions } from './hashing/batch.js';
export { walkFiles, type WalkEntry } from './core/files.js';
export { pdqFromLuma, lumaFromPixels, type PdqResult } from './hashing/pdq.js';
export * from './core/resolution.js';
export { resolveAddresses, lookupRecords, reverseName, type DnsOptions, type AddressResolution } from './net/dns.js';
export { classifyAddress } from './net/addresses.js';
export { cleanUrl, type CleanUrl, type CleanResult } from './net/url.js';
export { followChain, type HttpOptions, type Chain } from './net/http.js';
export { resolveUrl, resolveBatch, Resolver, type ResolveOptions } from './net/resolve.js';
