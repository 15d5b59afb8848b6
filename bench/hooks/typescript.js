// Module hooks that let a bench import the test helpers (TypeScript, test/helpers/*.ts) instead of copying them:
// a `.js` specifier missing on disk is taken as its `.ts` source, transpiled (types stripped) by the project's own
// TypeScript; a source module (src/...) is taken from its build (dist/...), like the worker pools do.
// Registered by bench/lib.js's `importHelper`.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

let root = '';

export function initialize(data) {
  root = data.root;
}

export async function resolve(specifier, context, next) {
  if (!specifier.startsWith('.') || !context.parentURL?.endsWith('.ts')) return next(specifier, context);
  const path = fileURLToPath(new URL(specifier, context.parentURL));
  const built = path.startsWith(`${root}/src/`) ? `${root}/dist/${path.slice(root.length + 5)}` : undefined;
  if (built && existsSync(built)) return { url: pathToFileURL(built).href, shortCircuit: true };
  const source = path.replace(/\.js$/, '.ts');
  if (!existsSync(path) && existsSync(source)) return { url: pathToFileURL(source).href, shortCircuit: true };
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const { outputText } = ts.transpileModule(readFileSync(fileURLToPath(url), 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
    fileName: fileURLToPath(url),
  });
  return { format: 'module', source: outputText, shortCircuit: true };
}
