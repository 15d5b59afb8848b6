import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ExitCode, VigieError } from '../../core/errors.js';
import { NOTICE_KINDS } from '../../core/notice.js';
import { singleLine } from './escape.js';
import { loadHandlebars, TEMPLATE_HELPERS, type HandlebarsModule } from './templates.js';
import { NOTICE_LANGUAGES, VIEW_SHAPE, type FieldShape } from './view.js';

/**
 * `vigie notice templates check <dir>`: parses each `<kind>.<lang>.hbs` with Handlebars' own parser and reports, with
 * line and column, every field a template uses that the template view (`TemplateView`) lacks, every helper or construct
 * the renderers do not allow (partials, decorators, helpers other than Handlebars' block helpers), and every required
 * element it never prints: reference, URL, observation time, legal basis, good-faith statement.
 */
export interface TemplateFinding {
  /** File name within the folder. */
  file: string;
  line?: number;
  column?: number;
  problem: 'parse-error' | 'unknown-field' | 'unknown-helper' | 'unsupported' | 'missing-required' | 'unknown-template';
  /** The field as written (`legal.artciles`), or the required element's field. */
  field?: string;
  message: string;
}

export interface TemplateCheckReport {
  dir: string;
  /** Templates checked. */
  files: string[];
  findings: TemplateFinding[];
}

/** Elements every notice must show (issue 13), each as the view fields that print it (any one will do). */
export const REQUIRED_ELEMENTS: { element: string; fields: string[] }[] = [
  { element: 'reference', fields: ['reference'] },
  { element: 'URL', fields: ['targets[].url'] },
  { element: 'observation time', fields: ['targets[].observedAt'] },
  { element: 'legal basis', fields: ['legal.articles', 'legal.articleList', 'legal.articleList[]'] },
  { element: 'good-faith statement', fields: ['statements.goodFaith'] },
];

const TEMPLATE_NAME = new RegExp(`^(${NOTICE_KINDS.join('|')})\\.(${NOTICE_LANGUAGES.join('|')})\\.hbs$`);
const ITERATION_VARIABLES = new Set(['index', 'first', 'last', 'key']);

export async function checkTemplates(dir: string): Promise<TemplateCheckReport> {
  let entries: string[];
  try {
    entries = (await readdir(dir)).sort();
  } catch (error) {
    throw new VigieError('notice-templates-dir', `cannot read template folder ${dir}: ${(error as Error).message}`, ExitCode.input);
  }
  const handlebars = await loadHandlebars();
  const report: TemplateCheckReport = { dir, files: [], findings: [] };
  for (const name of entries.filter((entry) => entry.endsWith('.hbs'))) {
    if (!TEMPLATE_NAME.test(name)) {
      report.findings.push({
        file: name,
        problem: 'unknown-template',
        message: `${name} is not <kind>.<lang>.hbs (kinds ${NOTICE_KINDS.join(', ')}; languages ${NOTICE_LANGUAGES.join(', ')}), so no notice uses it`,
      });
      continue;
    }
    report.files.push(name);
    report.findings.push(...checkTemplateSource(handlebars, await readFile(join(dir, name), 'utf8'), name));
  }
  if (report.files.length === 0 && report.findings.length === 0) {
    throw new VigieError('notice-templates-none', `no .hbs template in ${dir}`, ExitCode.input);
  }
  return report;
}

interface Scope {
  /** `undefined`: a value whose shape is not known (each over a record): nothing under it is checked. */
  shape: FieldShape | undefined;
  /** Canonical path of this scope from the root, `targets[]`. */
  prefix: string;
}

/** Checks one template's source; `file` names it in the findings. */
export function checkTemplateSource(handlebars: HandlebarsModule, source: string, file: string): TemplateFinding[] {
  const findings: TemplateFinding[] = [];
  let program: hbs.AST.Program;
  try {
    program = handlebars.parse(source) as unknown as hbs.AST.Program;
  } catch (error) {
    const message = singleLine((error as Error).message);
    const line = /line (\d+)/.exec(message);
    return [{ file, line: line ? Number(line[1]) : undefined, problem: 'parse-error', message }];
  }
  const printed = new Set<string>();
  const at = (node: hbs.AST.Node) => ({ line: node.loc?.start.line, column: node.loc ? node.loc.start.column + 1 : undefined });
  const root: Scope = { shape: VIEW_SHAPE, prefix: '' };

  const resolvePath = (path: hbs.AST.PathExpression, scopes: Scope[]): Scope | undefined => {
    if (path.data) {
      const [head, ...rest] = path.parts;
      if (head === 'root') return walk(path, root, rest);
      if (rest.length === 0 && head !== undefined && ITERATION_VARIABLES.has(head)) return { shape: true, prefix: `@${head}` };
      findings.push({ file, ...at(path), problem: 'unknown-field', field: path.original, message: `unknown data variable ${path.original}` });
      return undefined;
    }
    const scope = scopes[scopes.length - 1 - path.depth];
    if (!scope) {
      findings.push({ file, ...at(path), problem: 'unknown-field', field: path.original, message: `${path.original} climbs above the notice` });
      return undefined;
    }
    return walk(path, scope, path.parts);
  };

  const walk = (path: hbs.AST.PathExpression, scope: Scope, parts: string[]): Scope | undefined => {
    let { shape, prefix } = scope;
    for (const part of parts) {
      if (shape === undefined) return { shape: undefined, prefix };
      if (Array.isArray(shape)) {
        if (part === 'length') return { shape: true, prefix: `${prefix}.length` };
        if (/^\d+$/.test(part)) {
          shape = shape[0] as FieldShape;
          prefix = `${prefix}[]`;
          continue;
        }
      } else if (shape !== true && Object.hasOwn(shape, part)) {
        shape = (shape as Record<string, FieldShape>)[part];
        prefix = prefix === '' ? part : `${prefix}.${part}`;
        continue;
      }
      const where = prefix === '' ? 'the notice' : prefix;
      findings.push({
        file,
        ...at(path),
        problem: 'unknown-field',
        field: path.original,
        message: `${path.original}: ${where} has no field "${part}"${suggestion(shape, part)}`,
      });
      return undefined;
    }
    return { shape, prefix };
  };

  const expression = (node: hbs.AST.Expression, scopes: Scope[]): Scope | undefined => {
    if (node.type === 'PathExpression') return resolvePath(node as hbs.AST.PathExpression, scopes);
    if (node.type === 'SubExpression') call(node as hbs.AST.SubExpression, scopes);
    return undefined;
  };

  /** A helper call: its name must be allowed, its arguments must be fields of the view. */
  const call = (node: hbs.AST.MustacheStatement | hbs.AST.BlockStatement | hbs.AST.SubExpression, scopes: Scope[]): Scope[] => {
    const name = (node.path as hbs.AST.PathExpression).original;
    if (!(TEMPLATE_HELPERS as readonly string[]).includes(name)) {
      findings.push({
        file,
        ...at(node),
        problem: 'unknown-helper',
        field: name,
        message: `${name} is not an allowed helper (allowed: ${TEMPLATE_HELPERS.join(', ')})`,
      });
    }
    const args = node.params.map((param) => expression(param, scopes));
    for (const pair of node.hash?.pairs ?? []) expression(pair.value, scopes);
    return args.filter((arg): arg is Scope => arg !== undefined);
  };

  const statements = (body: hbs.AST.Statement[], scopes: Scope[]) => {
    for (const node of body) statement(node, scopes);
  };

  const statement = (node: hbs.AST.Statement, scopes: Scope[]) => {
    switch (node.type) {
      case 'MustacheStatement': {
        const mustache = node as hbs.AST.MustacheStatement;
        if (mustache.params.length > 0 || (mustache.hash?.pairs.length ?? 0) > 0) {
          call(mustache, scopes);
          return;
        }
        const resolved = expression(mustache.path as hbs.AST.Expression, scopes);
        if (resolved) printed.add(resolved.prefix);
        return;
      }
      case 'BlockStatement': {
        const block = node as hbs.AST.BlockStatement;
        const name = (block.path as hbs.AST.PathExpression).original;
        const [subject] = call(block, scopes);
        let inner = scopes;
        if (name === 'each') inner = [...scopes, elementScope(subject)];
        else if (name === 'with') inner = [...scopes, subject ?? { shape: undefined, prefix: '?' }];
        if (block.program) statements(block.program.body, inner);
        if (block.inverse) statements(block.inverse.body, scopes);
        return;
      }
      case 'PartialStatement':
      case 'PartialBlockStatement':
      case 'DecoratorBlock':
      case 'Decorator':
        findings.push({ file, ...at(node), problem: 'unsupported', message: `${node.type} is not supported: a template is one self-contained file` });
        return;
      default:
        return;
    }
  };

  statements(program.body, [root]);

  for (const { element, fields } of REQUIRED_ELEMENTS) {
    if (!fields.some((field) => printed.has(field))) {
      findings.push({
        file,
        problem: 'missing-required',
        field: fields[0],
        message: `the ${element} is never printed (use {{${fields[0].replace(/^targets\[\]\./, '')}}}${fields[0].startsWith('targets[]') ? ' inside {{#each targets}}' : ''})`,
      });
    }
  }
  return findings;
}

function elementScope(subject: Scope | undefined): Scope {
  if (subject && Array.isArray(subject.shape)) return { shape: subject.shape[0] as FieldShape, prefix: `${subject.prefix}[]` };
  return { shape: undefined, prefix: `${subject?.prefix ?? '?'}[]` };
}

/** ", did you mean …?" for a field one or two edits, a case change or a prefix away; else the first known fields. */
function suggestion(shape: FieldShape | undefined, part: string): string {
  if (shape === undefined || shape === true || Array.isArray(shape)) return '';
  const keys = Object.keys(shape);
  const lower = part.toLowerCase();
  const close =
    keys.find((key) => key.toLowerCase() === lower || editDistance(key, part) <= 2) ??
    keys.find((key) => key.length >= 2 && (lower.startsWith(key.toLowerCase()) || key.toLowerCase().startsWith(lower)));
  if (close) return ` (did you mean "${close}"?)`;
  return ` (known: ${keys.slice(0, 8).join(', ')}${keys.length > 8 ? ', …' : ''})`;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}
