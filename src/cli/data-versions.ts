import { DECODER_VERSION } from '../hashing/index.js';
import { netDataVersions, type DataVersion } from '../net/index.js';

/** Every embedded data version an answer depends on, for `vigie doctor`. */
export function embeddedDataVersions(): DataVersion[] {
  return [
    { name: 'decoder', version: String(DECODER_VERSION), source: 'DECODER_VERSION (src/hashing/decoder.ts): a new one changes perceptual hashes' },
    ...netDataVersions(),
  ];
}

