import { DECODER_VERSION } from '../hashing/decoder.js';
import { netDataVersions, type DataVersion } from '../net/data-versions.js';

/** Every embedded data version an answer depends on, for `vigie --version` and `vigie doctor`. */
export function embeddedDataVersions(): DataVersion[] {
  return [
    { name: 'decoder', version: String(DECODER_VERSION), source: 'DECODER_VERSION (src/hashing/decoder.ts): a new one changes perceptual hashes' },
    ...netDataVersions(),
  ];
}

/** `vigie --version`: the version alone on the first line (what scripts read), then each embedded data version. */
export function versionText(version: string): string {
  return [version, ...embeddedDataVersions().map((data) => `${data.name}: ${data.version}`)].join('\n');
}
