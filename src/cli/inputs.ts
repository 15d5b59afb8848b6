import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { VigieError } from '../core/errors.js';
import { parsePathList } from '../core/files.js';
import { isSignalName, SIGNAL_NAMES, type SignalName } from '../core/signals/index.js';

/**
 * The inputs a command was given: its arguments, where `-` stands for one item per line on stdin, plus the lines of
 * `--from <file>`.
 */
export async function collectInputs(args: string[], from: string | undefined): Promise<string[]> {
  const items: string[] = [];
  for (const arg of args) {
    if (arg === '-') items.push(...parsePathList(await text(process.stdin)));
    else items.push(arg);
  }
  if (from !== undefined) {
    try {
      items.push(...parsePathList(await readFile(from, 'utf8')));
    } catch (error) {
      throw new VigieError('unreadable', `cannot read --from list ${from}: ${(error as Error).message}`, 3);
    }
  }
  if (items.length === 0) throw new VigieError('usage', 'no input given (paths, - for stdin, or --from <file>)', 2);
  return items;
}

export function parsePositiveInteger(name: string) {
  return (value: string): number => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < 1) {
      throw new VigieError('usage', `${name} must be a whole number >= 1, not "${value}"`, 2);
    }
    return number;
  };
}

export function parseSignal(value: string): SignalName {
  const name = value.trim().toLowerCase();
  if (!isSignalName(name)) throw new VigieError('usage', `unknown type "${value}" (known: ${SIGNAL_NAMES.join(', ')})`, 2);
  return name;
}

/** `pdq=25,blockhash=8`: match thresholds in bits by signal. */
export function parseThresholds(text: string): Partial<Record<SignalName, number>> {
  const thresholds: Partial<Record<SignalName, number>> = {};
  for (const pair of text.split(',')) {
    const [signal, value] = pair.split('=');
    const bits = Number(value);
    if (!Number.isInteger(bits) || bits < 0) throw new VigieError('usage', `bad threshold "${pair}" (e.g. pdq=31)`, 2);
    thresholds[parseSignal(signal)] = bits;
  }
  return thresholds;
}
