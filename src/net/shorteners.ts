import { readFileSync } from 'node:fs';
import { linesOf } from '../core/lines.js';

/** data/shorteners.txt, read once on first use so that analysts can extend it without rebuilding. */
const LIST_URL = new URL('../../data/shorteners.txt', import.meta.url);
let shorteners: Set<string> | undefined;

function load(): Set<string> {
  shorteners ??= new Set(
    linesOf(readFileSync(LIST_URL, 'utf8'))
      .map((line) => line.trim().toLowerCase())
      .filter((line) => line !== '' && !line.startsWith('#')),
  );
  return shorteners;
}

/** True when the host or one of its parent domains is a listed shortener. */
export function isShortener(host: string): boolean {
  const list = load();
  const labels = host.toLowerCase().replace(/\.$/, '').split('.');
  for (let i = 0; i < labels.length - 1; i++) if (list.has(labels.slice(i).join('.'))) return true;
  return false;
}
