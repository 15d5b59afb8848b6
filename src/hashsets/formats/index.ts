import { csv } from './csv.js';
import type { FormatName, HashSetFormat } from './format.js';
import { hashdeep } from './hashdeep.js';
import { icse } from './icse.js';
import { jsonl } from './jsonl.js';
import { ncmec } from './ncmec.js';
import { nsrl } from './nsrl.js';
import { plain } from './plain.js';
import { threatexchange } from './threatexchange.js';
import { vics } from './vics.js';
import { vpdq } from './vpdq.js';

export { FORMAT_NAMES, type FormatName, type HashSetFormat, type ExportSkips } from './format.js';

export const FORMATS: Record<FormatName, HashSetFormat> = {
  plain,
  hashdeep,
  nsrl,
  threatexchange,
  ncmec,
  vics,
  icse,
  vpdq,
  csv,
  jsonl,
};

/** Formats `export` can write (the issue's list; the others' writers exist for tests and sample sets). */
export const EXPORT_FORMATS: FormatName[] = ['plain', 'hashdeep', 'csv', 'jsonl', 'threatexchange'];
