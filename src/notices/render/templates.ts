import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExitCode, VigieError } from '../../core/errors.js';
import { NOTICE_KINDS, type NoticeKind } from '../../core/notice.js';
import { multiLine, singleLine } from './escape.js';
import { NOTICE_LANGUAGES, type NoticeLanguage, type TemplateView } from './view.js';

/** The shipped templates, one per kind and language: `<kind>.<lang>.hbs`. */
export const SHIPPED_TEMPLATES_DIR = fileURLToPath(new URL('../../../data/notices/templates/', import.meta.url));

/** Helpers a template may use: Handlebars' own block helpers only, so a template is data and runs no code. */
export const TEMPLATE_HELPERS = ['if', 'unless', 'each', 'with', 'lookup'] as const;

export function templateFileName(kind: NoticeKind, lang: NoticeLanguage): string {
  return `${kind}.${lang}.hbs`;
}

/** A rendered template: its first line is the subject (or title), then a blank line, then the body. */
export interface RenderedTemplate {
  subject: string;
  body: string;
  /** Subject, blank line, body: the text notice as written to `.txt`. */
  text: string;
}

type Compiled = (view: TemplateView) => string;

interface TemplateSet {
  compiled: Map<string, { file: string; render: Compiled }>;
}

const loaded = new Map<string, Promise<TemplateSet>>();

/**
 * Compiles every template once per process: those of `dir` (`--templates`) where it has one, the shipped ones
 * otherwise. Handlebars is loaded here, on first use, so commands that render nothing do not pay for it.
 */
function templateSet(dir: string | undefined): Promise<TemplateSet> {
  const key = dir === undefined ? '' : resolve(dir);
  let set = loaded.get(key);
  if (!set) {
    set = compileAll(dir);
    set.catch(() => loaded.delete(key));
    loaded.set(key, set);
  }
  return set;
}

async function compileAll(dir: string | undefined): Promise<TemplateSet> {
  if (dir !== undefined && !existsSync(dir)) {
    throw new VigieError('notice-templates-dir', `template folder ${dir} does not exist`, ExitCode.input);
  }
  const handlebars = await loadHandlebars();
  const compiled = new Map<string, { file: string; render: Compiled }>();
  for (const kind of NOTICE_KINDS) {
    for (const lang of NOTICE_LANGUAGES) {
      const name = templateFileName(kind, lang);
      const override = dir === undefined ? undefined : join(dir, name);
      const file = override !== undefined && existsSync(override) ? override : join(SHIPPED_TEMPLATES_DIR, name);
      const source = await readFile(file, 'utf8');
      compiled.set(name, { file, render: compileTemplate(handlebars, source, file) });
    }
  }
  return { compiled };
}

export type HandlebarsModule = typeof import('handlebars');

export async function loadHandlebars(): Promise<HandlebarsModule> {
  const module = (await import('handlebars')) as HandlebarsModule & { default?: HandlebarsModule };
  return (module.default ?? module).create();
}

function compileTemplate(handlebars: HandlebarsModule, source: string, file: string): Compiled {
  let template: HandlebarsTemplateDelegate;
  try {
    template = handlebars.compile(source, {
      // Plain text: nothing is HTML-escaped, and values are never parsed as templates, so `<b>` and `{{` stay text.
      noEscape: true,
      knownHelpers: Object.fromEntries(TEMPLATE_HELPERS.map((name) => [name, true])),
      knownHelpersOnly: true,
    });
    // Compilation is lazy in Handlebars: force it so a broken template fails here, with its file name.
    template({} as TemplateView);
  } catch (error) {
    throw templateError(file, error);
  }
  return (view) => {
    try {
      return template(view);
    } catch (error) {
      throw templateError(file, error);
    }
  };
}

function templateError(file: string, error: unknown): VigieError {
  const message = singleLine(error instanceof Error ? error.message : String(error));
  return new VigieError('notice-template', `template ${file}: ${message} (run "vigie notice templates check")`, ExitCode.input, {
    cause: error,
  });
}

/** Renders the notice's template on `view` and splits it into subject and body. */
export async function renderTemplate(
  kind: NoticeKind,
  view: TemplateView,
  templatesDir: string | undefined,
): Promise<RenderedTemplate> {
  const set = await templateSet(templatesDir);
  const entry = set.compiled.get(templateFileName(kind, view.lang));
  if (!entry) throw new VigieError('notice-template', `no template for ${kind} notices in ${view.lang}`, ExitCode.input);
  const output = tidy(entry.render(view));
  const newline = output.indexOf('\n');
  const subject = singleLine(newline < 0 ? output : output.slice(0, newline));
  const body = newline < 0 ? '' : output.slice(newline + 1).replace(/^\n+/, '');
  if (subject === '') {
    throw new VigieError('notice-template', `template ${entry.file} starts with an empty line: its first line is the subject`);
  }
  return { subject, body, text: `${subject}\n\n${body}` };
}

/** Trailing spaces removed, runs of blank lines (left by empty sections) reduced to one, one final newline. */
function tidy(text: string): string {
  return `${multiLine(text)
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')}\n`;
}
