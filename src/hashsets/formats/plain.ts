import type { HashSetEntry } from '../../core/hashset.js';
import { ImportContext } from '../import-context.js';
import { countSkip, type ExportSkips, type HashSetFormat } from './format.js';
import { contentLines } from './text-lines.js';

/** Signals a plain list can be typed by its hex length alone; 64 hex digits are SHA-256 or PDQ, so never guessed. */
export const PLAIN_TYPE_BY_LENGTH: Record<number, 'md5' | 'sha1'> = { 32: 'md5', 40: 'sha1' };

/**
 * Lines that name their algorithm: BSD `md5`/`shasum --tag` (`MD5 (name) = hash`) and `openssl dgst`
 * (`MD5(name)= hash`, `SHA2-256(name)= hash` in OpenSSL 3).
 */
export const TAGGED_LINE = /^(MD5|SHA-?1|SHA-?256|SHA2-256) ?\((.*)\) ?= ?(\S+)$/i;
/** `md5deep -z` (and sha1deep, sha256deep): the file size, then the hash and the name. */
export const MD5DEEP_SIZED_LINE = /^(\d{1,20})\s+([0-9a-fA-F]{32,64})\s+(.*)$/;
const TAGS: Record<string, 'md5' | 'sha1' | 'sha256'> = { md5: 'md5', sha1: 'sha1', 'sha-1': 'sha1', sha256: 'sha256', 'sha-256': 'sha256', 'sha2-256': 'sha256' };

/**
 * One hash per line, optionally followed by whitespace and a file name (md5sum/sha256sum style, `*` for binary
 * mode), or a line naming its algorithm (BSD tag, `openssl dgst`); `#` comments and blank lines are ignored. The signal comes from `--type`, the BSD tag, or
 * the hex length for MD5/SHA-1.
 */
export const plain: HashSetFormat = {
  name: 'plain',
  async *read(context: ImportContext) {
    let named: number | undefined;
    for await (const { number, text } of contentLines(context)) {
      const tagged = TAGGED_LINE.exec(text);
      if (tagged) {
        const entry = context.entry(TAGS[tagged[1].toLowerCase()], tagged[3], number, { fileName: tagged[2] || undefined });
        if (entry) yield entry;
        continue;
      }
      // md5sum/sha256sum escape a name holding a backslash or a line break with a leading backslash.
      const escaped = text.startsWith('\\');
      const sized = MD5DEEP_SIZED_LINE.exec(text);
      const match = sized
        ? [text, sized[2], sized[3]]
        : (/^(\S+)(?:\s+\*?(.*))?$/.exec(escaped ? text.slice(1) : text) as RegExpExecArray);
      const signal = context.options.type ?? PLAIN_TYPE_BY_LENGTH[match[1].length];
      if (!signal && match[1].length === 64) {
        throw context.fail(number, '64 hex digits can be SHA-256 or PDQ: give --type sha256 or --type pdq');
      }
      if (!signal) {
        context.skip(
          number,
          named === number - 1 && !/^[0-9a-f]+$/i.test(match[1])
            ? `not a hash line: probably the rest of line ${named}'s file name (a name holding a line break, as md5deep writes it)`
            : `not an MD5 (32 hex digits) or SHA-1 (40) hash: ${match[1].length} characters; give --type for other signals`,
        );
        continue;
      }
      const name = match[2] && escaped ? match[2].replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\')) : match[2];
      const entry = context.entry(signal, match[1], number, {
        fileName: name || undefined,
        fileSize: sized ? Number(sized[1]) : undefined,
      });
      if (entry) yield entry;
      named = name ? number : undefined;
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
