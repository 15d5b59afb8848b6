/**
 * The layout-level reading of a WHOIS answer, shared by every format: paragraphs of `key: value` lines. Keys are
 * lower-cased and trimmed (Verisign indents them, ARIN pads values); a key with an empty value followed by indented
 * lines without a colon collects those lines (SIDN's layout); DENIC's `[Tech-C]` headers name the paragraph.
 */
export interface WhoisBlock {
  /** DENIC section name (`tech-c`), when the paragraph had one. */
  section?: string;
  fields: [string, string][];
}

export interface WhoisText {
  blocks: WhoisBlock[];
  /** Lines starting with `%` or `#`, without the marker (RIPE puts the abuse contact in one). */
  comments: string[];
}

const FIELD = /^\s*([A-Za-z][A-Za-z0-9 _./()-]{0,48}?)\s*:(?:\s+(.*)|)$/;

export function splitWhois(text: string): WhoisText {
  const blocks: WhoisBlock[] = [];
  const comments: string[] = [];
  let current: WhoisBlock | undefined;
  let openKey: string | undefined;
  const close = () => {
    if (current && current.fields.length > 0) blocks.push(current);
    current = undefined;
    openKey = undefined;
  };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (/^\s*[%#]/.test(line)) {
      comments.push(line.replace(/^\s*[%#]+\s?/, ''));
      continue;
    }
    if (line.trim() === '') {
      close();
      continue;
    }
    const section = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (section) {
      close();
      current = { section: section[1].trim().toLowerCase(), fields: [] };
      continue;
    }
    current ??= { fields: [] };
    const field = FIELD.exec(line);
    if (field && !/^\s*(https?|mailto)$/i.test(field[1])) {
      const value = (field[2] ?? '').trim();
      current.fields.push([field[1].trim().toLowerCase(), value]);
      openKey = value === '' ? field[1].trim().toLowerCase() : undefined;
    } else if (openKey !== undefined && /^\s/.test(line)) {
      current.fields.push([openKey, line.trim()]);
    }
  }
  close();
  return { blocks, comments };
}

/** Every value of `key` in a block, in order, without empty ones. */
export function values(block: WhoisBlock | undefined, key: string): string[] {
  return (block?.fields ?? []).filter(([k, v]) => k === key && v !== '').map(([, v]) => v);
}

export function first(block: WhoisBlock | undefined, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const found = values(block, key)[0];
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The first value of any of `keys` anywhere in the answer. */
export function firstAnywhere(text: WhoisText, ...keys: string[]): string | undefined {
  for (const key of keys) {
    for (const block of text.blocks) {
      const found = values(block, key)[0];
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** Decodes an answer as UTF-8, or as Latin-1 when it is not valid UTF-8 (older European registries). */
export function decodeWhois(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}
