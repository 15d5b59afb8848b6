import { VigieError } from '../core/errors.js';

/**
 * Aliases a YAML document may expand, weighted by what they copy: a "billion laughs" document (aliases of aliases)
 * is refused long before it can fill memory, while an anchor reused a few times in a hand-written file passes.
 */
export const MAX_YAML_ALIAS_COUNT = 100;

/**
 * Parses YAML text into plain data; any syntax error or alias bomb is one clear input error naming `where`. The parser
 * is loaded on first use, so commands that read no YAML do not pay for it at start-up.
 */
export async function parseYamlText(text: string, where: string): Promise<unknown> {
  const { parseDocument } = await import('yaml');
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: false, strict: true });
  const [error] = document.errors;
  if (error) {
    const line = error.linePos?.[0].line;
    throw new VigieError('not-yaml', `${where} is not valid YAML${line ? ` (line ${line})` : ''}: ${firstLine(error.message)}`);
  }
  try {
    return document.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
  } catch (cause) {
    throw new VigieError(
      'yaml-aliases',
      `${where} expands too many YAML aliases (more than ${MAX_YAML_ALIAS_COUNT}): refused as a possible alias bomb`,
      undefined,
      { cause },
    );
  }
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
