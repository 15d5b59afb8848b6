import { DEFAULT_MAX_LINE_BYTES, readLines } from '../core/lines.js';
import type { HashRecord } from '../core/records.js';

/**
 * The records of a `vigie hash` JSON Lines file (`-`: stdin), one per non-blank line. A line that is not a record
 * gives an error record named `<file>:<line>`, so the batch goes on and the exit code says something was wrong.
 */
export async function* readHashRecords(path: string): AsyncGenerator<HashRecord> {
  const source = path === '-' ? (process.stdin as AsyncIterable<Buffer>) : path;
  for await (const { number, text, overlong } of readLines(source, { label: `--hashes file ${path}` })) {
    if (overlong !== undefined) {
      yield { path: `${path}:${number}`, error: { code: 'bad-record', message: `over-long line: ${overlong} bytes, the maximum is ${DEFAULT_MAX_LINE_BYTES}` } };
      continue;
    }
    if (text.trim() === '') continue;
    yield parseRecord(text, `${path}:${number}`);
  }
}

function parseRecord(text: string, where: string): HashRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { path: where, error: { code: 'bad-record', message: 'not a JSON object (expected vigie hash output)' } };
  }
  const record = value as { path?: unknown; hashes?: unknown; error?: unknown };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { path: where, error: { code: 'bad-record', message: 'not a JSON object (expected vigie hash output)' } };
  }
  const path = typeof record.path === 'string' ? record.path : where;
  if (record.error !== undefined) return value as HashRecord;
  if (typeof record.hashes !== 'object' || record.hashes === null) {
    return { path, error: { code: 'bad-record', message: 'no "hashes" object' } };
  }
  return { ...(value as HashRecord), path };
}
