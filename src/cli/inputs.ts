import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { ExitCode, VigieError } from '../core/errors.js';
import { parsePathList } from '../core/files.js';
import { isSignalName, SIGNAL_NAMES, type SignalName } from '../core/signals/index.js';

/**
 * The inputs a command was given: its arguments, where `-` stands for the items on stdin, plus the items of
 * `--from <file>`. Both lists are one item per line unless `parseList` reads them otherwise (a CSV column).
 */
export async function collectInputs(
  args: string[],
  from: string | undefined,
  parseList: (text: string) => string[] = parsePathList,
): Promise<string[]> {
  const items: string[] = [];
  for (const arg of args) {
    if (arg === '-') items.push(...parseList(await text(process.stdin)));
    else items.push(arg);
  }
  if (from !== undefined) {
    let content: string;
    try {
      content = await readFile(from, 'utf8');
    } catch (error) {
      throw new VigieError('unreadable', `cannot read --from list ${from}: ${(error as Error).message}`, ExitCode.input);
    }
    items.push(...parseList(content));
  }
  if (items.length === 0) throw new VigieError('usage', 'no input given (paths, - for stdin, or --from <file>)', ExitCode.usage);
  return items;
}

/** An option's parser for whole numbers from `min` to `max`; anything else is a usage error naming the option. */
export function parseInteger(name: string, min: number, max = Number.POSITIVE_INFINITY) {
  const range = max === Number.POSITIVE_INFINITY ? `>= ${min}` : `from ${min} to ${max}`;
  return (value: string): number => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < min || number > max) {
      throw new VigieError('usage', `${name} must be a whole number ${range}, not "${value}"`, ExitCode.usage);
    }
    return number;
  };
}

export const parsePositiveInteger = (name: string) => parseInteger(name, 1);

export function parseSignal(value: string): SignalName {
  const name = value.trim().toLowerCase();
  if (!isSignalName(name)) throw new VigieError('usage', `unknown type "${value}" (known: ${SIGNAL_NAMES.join(', ')})`, ExitCode.usage);
  return name;
}

/** `pdq=25,blockhash=8`: match thresholds in bits by signal. */
export function parseThresholds(text: string): Partial<Record<SignalName, number>> {
  const thresholds: Partial<Record<SignalName, number>> = {};
  for (const pair of text.split(',')) {
    const [signal, value] = pair.split('=');
    const bits = Number(value);
    if (!Number.isInteger(bits) || bits < 0) throw new VigieError('usage', `bad threshold "${pair}" (e.g. pdq=31)`, ExitCode.usage);
    thresholds[parseSignal(signal)] = bits;
  }
  return thresholds;
}
