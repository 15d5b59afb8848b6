/** The matching settings (see src/core/config.ts), read by the matcher and the CLI options. */
import { defineSetting, integerValue } from '../core/config.js';
import { PDQ_MIN_QUALITY } from '../core/signals/index.js';

export const MATCH_MIN_PDQ_QUALITY = defineSetting({
  key: 'match.minPdqQuality',
  description: 'PDQ quality (0–100) under which a hash is not matched on',
  default: PDQ_MIN_QUALITY,
  parse: integerValue(0, 100),
  options: { match: 'minQuality' },
});
