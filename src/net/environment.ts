import { delimiter } from 'node:path';
import type { EnvironmentCheck } from '../core/environment.js';
import { describeError } from '../core/errors.js';
import { defaultGeoIpPath, openGeoIpDatabase } from './geoip.js';
import { RdapBootstrap } from './rdap-bootstrap.js';

/** GeoIP databases older than this probably place moved networks in the wrong country. */
const STALE_DAYS = 120;

/** Extra GeoIP databases named in `VIGIE_GEOIP` (a path list, like PATH). */
export function geoIpPathsFromEnvironment(): string[] {
  return (process.env.VIGIE_GEOIP ?? '').split(delimiter).filter(Boolean);
}

/** Each GeoIP database (type, build date, age) and the RDAP bootstrap's publication date. */
export async function checkGeoSupport(): Promise<EnvironmentCheck[]> {
  const checks: EnvironmentCheck[] = [];
  for (const path of [...geoIpPathsFromEnvironment(), defaultGeoIpPath()]) {
    try {
      const db = await openGeoIpDatabase(path);
      const ageDays = Math.floor((Date.now() - db.buildDate.getTime()) / 86_400_000);
      checks.push({
        name: `geoip ${path.split(/[\\/]/).pop()}`,
        status: ageDays > STALE_DAYS ? 'degraded' : 'ok',
        required: false,
        detail: `${db.databaseType}, IPv${db.ipVersion === 4 ? '4 only' : '4+6'}, built ${db.buildDate.toISOString().slice(0, 10)} (${ageDays} days old${ageDays > STALE_DAYS ? ', stale' : ''}); ${path}`,
      });
    } catch (error) {
      checks.push({ name: `geoip ${path}`, status: 'missing', required: false, detail: describeError(error).message });
    }
  }
  try {
    const bootstrap = await RdapBootstrap.load(process.env.VIGIE_RDAP_BOOTSTRAP || undefined);
    checks.push({
      name: 'rdap bootstrap',
      status: 'ok',
      required: false,
      detail: `dns.json published ${bootstrap.publication ?? 'unknown'} (refresh: vigie geo --update-bootstrap)`,
    });
  } catch (error) {
    checks.push({ name: 'rdap bootstrap', status: 'missing', required: false, detail: describeError(error).message });
  }
  return checks;
}
