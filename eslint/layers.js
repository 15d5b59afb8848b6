// The layering of ../shared/docs/architecture.md as a lint rule: src/cli → domains → src/core, arrows down only.
// A relative import (static, re-export or dynamic import()) is resolved against the importing file and both ends are
// placed in their layer; the rule reports an import that points up, into a sibling domain, into a domain's internals
// from outside it, or from one CLI command into another.
import { dirname, relative, resolve, sep } from 'node:path';

export const DOMAINS = ['hashing', 'hashsets', 'matching', 'net', 'notices', 'triage'];
/** Domains that compose others; they reach them through their public entry only. */
const COMPOSERS = new Set(['triage']);

/** Where a file sits: `core`, `cli`, `root` (src/index.ts), a domain name, or undefined outside src/. */
function placeOf(file, srcRoot) {
  const path = relative(srcRoot, file);
  if (path.startsWith('..') || path === '') return undefined;
  const parts = path.split(sep);
  if (parts.length === 1) return { layer: 'root', parts };
  const [top] = parts;
  if (top === 'core' || top === 'cli') return { layer: top, parts };
  if (DOMAINS.includes(top)) return { layer: 'domain', domain: top, parts };
  return undefined;
}

// settings.ts is a domain's second, light public entry: its configuration settings, which the CLI's config layer
// loads for every command without loading the domain (start-up is a measured contract).
const isPublicEntry = (place) => place.parts.length === 2 && /^(index|settings)\.[jt]s$/.test(place.parts[1]);
const isCommandFile = (place) => place.layer === 'cli' && place.parts[1] === 'commands';
const describe = (place) => (place.layer === 'domain' ? `src/${place.domain}` : `src/${place.layer}`);

/** Why an import from `from` to `to` breaks the layering, or undefined when it is allowed. */
export function violation(from, to) {
  if (to.layer === 'root') return 'the library root (src/index.ts) is for users of the library, not for its own code';
  if (from.layer === 'core') {
    return to.layer === 'core' ? undefined : `src/core is the bottom layer and must not import ${describe(to)}`;
  }
  if (to.layer === 'cli') {
    if (from.layer !== 'cli') return `${describe(from)} must not import the CLI (layers point down only)`;
    if (isCommandFile(from) && isCommandFile(to) && from.parts[2] !== to.parts[2]) {
      return 'a CLI command must not import another command\'s file (move the shared part to src/cli/)';
    }
    return undefined;
  }
  if (to.layer === 'core') return undefined;
  // `to` is in a domain.
  if (from.layer === 'domain' && from.domain === to.domain) return undefined;
  if (from.layer === 'domain' && !COMPOSERS.has(from.domain)) {
    return `src/${from.domain} must not import the sibling domain src/${to.domain} (domains talk through src/core types)`;
  }
  return isPublicEntry(to) ? undefined : `import src/${to.domain} through its public entry src/${to.domain}/index.ts (or settings.ts), not its internals`;
}

export function layersPlugin(srcRoot) {
  const rule = {
    meta: { type: 'problem', docs: { description: 'enforce the layering of src/ (cli → domains → core)' }, schema: [] },
    create(context) {
      const file = context.filename;
      const from = placeOf(file, srcRoot);
      if (!from) return {};
      const check = (node) => {
        const source = node?.source;
        if (!source || source.type !== 'Literal' || typeof source.value !== 'string' || !source.value.startsWith('.')) return;
        const to = placeOf(resolve(dirname(file), source.value), srcRoot);
        const reason = to && violation(from, to);
        if (reason) context.report({ node: source, message: `layering: ${reason} ('${source.value}')` });
      };
      return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
    },
  };
  return { rules: { imports: rule } };
}
