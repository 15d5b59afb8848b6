import type { HashSetEntry } from '../../core/hashset.js';
import { ImportContext } from '../import-context.js';
import { countSkip, type ExportSkips, type HashSetFormat } from './format.js';
import { contentLines } from './text-lines.js';

/** Signals a plain list can be typed by its hex length alone; 64 hex digits are SHA-256 or PDQ, so never guessed. */
export const PLAIN_TYPE_BY_LENGTH: Record<number, 'md5' | 'sha1'> = { 32: 'md5', 40: 'sha1' };

/** BSD `md5`/`shasum --tag` lines, which name their algorithm: `MD5 (name) = hash`. */
export const BSD_LINE = /^(MD5|SHA1|SHA256) \((.*)\) = (\S+)$/i;

/**
 * One hash per line, optionally followed by whitespace and a file name (md5sum style), or BSD-style
 * `MD5 (name) = hash`; `#` comments and blank lines are ignored. The signal comes from `--type`, the BSD tag, or
 * the hex length for MD5/SHA-1.
 */
export const plain: HashSetFormat = {
  name: 'plain',
  async *read(context: ImportContext) {
    for await (const { number, text } of contentLines(context)) {
      const bsd = BSD_LINE.exec(text);
      if (bsd) {
        const entry = context.entry(bsd[1].toLowerCase() as 'md5' | 'sha1' | 'sha256', bsd[3], number, { fileName: bsd[2] || undefined });
        if (entry) yield entry;
        continue;
      }
      const match = /^(\S+)(?:\s+\*?(.*))?$/.exec(text) as RegExpExecArray;
      const signal = context.options.type ?? PLAIN_TYPE_BY_LENGTH[match[1].length];
      if (!signal && match[1].length === 64) {
        throw context.fail(number, '64 hex digits can be SHA-256 or PDQ: give --type sha256 or --type pdq');
      }
      if (!signal) {
        context.skip(number, `not an MD5 (32 hex digits) or SHA-1 (40) hash: ${match[1].length} characters; give --type for other signals`);
        continue;
      }
      const entry = context.entry(signal, match[1], number, { fileName: match[2] || undefined });
      if (entry) yield entry;
    }
  },
  *write(entries: Iterable<HashSetEntry>, skips: ExportSkips) {
    let signal: string | undefined;
    for (const entry of entries) {
      signal ??= entry.signal;
      if (entry.signal !== signal) {
        countSkip(skips, `not ${signal} (a plain list holds one signal type; export with --signal)`);
        continue;
      }
      yield entry.fileName ? `${entry.hash}  ${entry.fileName}\n` : `${entry.hash}\n`;
    }
  },
};
