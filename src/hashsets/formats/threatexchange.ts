import { stringify } from 'csv-stringify/sync';
import type { HashSetEntry } from '../../core/hashset.js';
import type { SignalName } from '../../core/signals/index.js';
import { makeCategory } from '../../core/categories.js';
import { ImportContext } from '../import-context.js';
import { csvRows } from './csv-rows.js';
import { countSkip, type ExportSkips, type HashSetFormat } from './format.js';

export const THREATEXCHANGE_HEADER = ['signal_type', 'signal_str', 'collab', 'category', 'tags'];

/** python-threatexchange signal type names ↔ our signals; other types (raw_text, url, …) are counted as ignored. */
const FROM_TX: Record<string, SignalName> = { pdq: 'pdq', video_md5: 'md5', video_sha256: 'sha256' };
const TO_TX: Partial<Record<SignalName, string>> = { pdq: 'pdq', md5: 'video_md5', sha256: 'video_sha256' };

/**
 * `threatexchange dataset -P --csv` (python-threatexchange cli/dataset_cmd.py): `signal_type,signal_str,collab,
 * category,tags`, tags space-separated, category NEGATIVE_CLASS / INVESTIGATION_SEED / POSITIVE_CLASS.
 */
export const threatexchange: HashSetFormat = {
  name: 'threatexchange',
  async *read(context: ImportContext) {
    let header = true;
    for await (const { line, fields } of csvRows(context)) {
      if (header) {
        header = false;
        if (fields.join(',').toLowerCase() !== THREATEXCHANGE_HEADER.join(',')) {
          throw context.fail(line, `not a ThreatExchange CSV header (expected ${THREATEXCHANGE_HEADER.join(',')})`);
        }
        continue;
      }
      const [type, value, collab, categoryValue, tags] = fields;
      const signal = FROM_TX[(type ?? '').toLowerCase()];
      if (!signal) {
        context.ignore(`ThreatExchange ${type?.slice(0, 40) ?? 'empty'} signal`);
        continue;
      }
      let category;
      if (categoryValue) {
        const result = makeCategory(context.options.categoryScheme ?? 'threatexchange', categoryValue);
        if ('error' in result) {
          context.skip(line, result.error);
          continue;
        }
        category = result.category;
      }
      const entry = context.entry(signal, value ?? '', line, {
        source: collab || undefined,
        category,
        tags: (tags ?? '').split(/\s+/).filter(Boolean),
      });
      if (entry) yield entry;
    }
  },
  *write(entries: Iterable<HashSetEntry>, skips: ExportSkips) {
    yield stringify([THREATEXCHANGE_HEADER]);
    for (const entry of entries) {
      const type = TO_TX[entry.signal];
      if (!type) {
        countSkip(skips, `${entry.signal} has no ThreatExchange signal type`);
        continue;
      }
      const category = entry.category?.scheme === 'threatexchange' ? entry.category.value : '';
      yield stringify([[type, entry.hash, entry.source ?? '', category, (entry.tags ?? []).join(' ')]]);
    }
  },
};
