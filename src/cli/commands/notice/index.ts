import { statSync } from 'node:fs';
import { dirname, relative, resolve as resolvePath } from 'node:path';
import type { Command } from 'commander';
import { writeFileAtomic } from '../../../core/atomic.js';
import { ExitCode, VigieError } from '../../../core/errors.js';
import type { Notice, RecipientContact } from '../../../core/notice.js';
import {
  CaseInputError,
  isEmailAddress,
  missingCaseFields,
  prepareNotices,
  readCaseData,
  renderText,
  routeInput,
  type CaseSourceFiles,
  type InputIssue,
  type PrepareOptions,
  type PreparedCase,
  type TargetRouting,
} from '../../../notices/index.js';
import { createRecordWriter, resolveFormat, type Column } from '../../output.js';
import { registerNoticeBundle } from './bundle.js';
import { registerNoticeTemplates } from './templates.js';

/** The input options every `vigie notice` subcommand takes: a case file, or JSON Lines files with a category. */
export interface NoticeInputOptions {
  resolve?: string;
  geo?: string;
  match?: string;
  category?: string;
  description?: string;
  reasoning?: string;
  ref?: string;
  rules?: string;
  now?: string;
}

export function addInputOptions(command: Command): Command {
  return command
    .option('--resolve <file>', 'vigie resolve JSON Lines (replaces the case file\'s sources.resolve)')
    .option('--geo <file>', 'vigie geo JSON Lines (replaces sources.geo)')
    .option('--match <file>', 'vigie match JSON Lines (replaces sources.match)')
    .option('--category <code>', 'legal category for the whole case (data/notices/categories.yaml)')
    .option('--description <text>', 'factual description (never used for csam)')
    .option('--reasoning <text>', 'why the content is illegal (DSA art. 16(2)(a))')
    .option('--ref <caseRef>', 'case reference')
    .option('--rules <file>', 'routing rules instead of data/notices/routing.yaml')
    .option('--now <time>', 'creation time of the notices, ISO 8601 (default: now)');
}

/** What `prepareNotices`/`routeInput` take, from a subcommand's argument and options. */
export function readInputOptions(casePath: string | undefined, options: NoticeInputOptions): PrepareOptions {
  const files: CaseSourceFiles = {};
  if (options.resolve) files.resolve = options.resolve;
  if (options.geo) files.geo = options.geo;
  if (options.match) files.match = options.match;
  const overrides: NonNullable<PrepareOptions['overrides']> = {};
  if (options.ref !== undefined) overrides.caseRef = options.ref;
  if (options.category !== undefined) overrides.category = options.category;
  if (options.description !== undefined) overrides.description = options.description;
  if (options.reasoning !== undefined) overrides.reasoning = options.reasoning;
  if (!casePath && !files.resolve && !files.geo) {
    throw new VigieError('no-input', 'give a case file, or --resolve and/or --geo files with --category', ExitCode.usage);
  }
  return {
    ...(casePath ? { casePath } : {}),
    ...(Object.keys(files).length > 0 ? { files } : {}),
    overrides,
    ...(options.rules ? { rulesPath: options.rules } : {}),
    ...(options.now ? { now: options.now } : {}),
  };
}

export function registerNotice(program: Command): Command {
  const notice = program
    .command('notice')
    .description(
      'Turn a qualified case (a case file, or the JSON Lines of vigie resolve/geo/match) into notices: routed by the ' +
        'rules in data/notices/routing.yaml, rendered from templates, bundled and signed. Nothing is sent without ' +
        '"vigie notice send".',
    );
  registerRoute(notice);
  registerNew(notice);
  registerNoticeBundle(notice);
  registerNoticeTemplates(notice);
  return notice;
}

interface RouteRow {
  target: string;
  country: string;
  order: string;
  notice: string;
  recipient: string;
  when: string;
  rule: string;
}

function routeRows(routing: TargetRouting): RouteRow[] {
  const country = routing.facts.hostingCountry ?? '?';
  const rows: RouteRow[] = routing.notices.map((n) => ({
    target: routing.url,
    country,
    order: String(n.order),
    notice: n.kind,
    recipient: n.recipient
      ? `${n.recipient.name} <${n.recipient.abuseContact?.email ?? n.recipient.abuseContact?.website ?? '?'}>`
      : 'NEEDS A MANUAL RECIPIENT (no abuse contact found)',
    when: n.delayDays === 0 ? 'now' : `+${n.delayDays} d${n.condition === 'still-online' ? ' if still online' : ''}`,
    rule: n.rule,
  }));
  for (const flag of routing.flags) {
    if (flag.flag === 'needs-manual-recipient') continue;
    rows.push({ target: routing.url, country, order: '', notice: `flag: ${flag.flag}`, recipient: flag.detail ?? '', when: '', rule: flag.rule });
  }
  if (rows.length === 0) rows.push({ target: routing.url, country, order: '', notice: '(none)', recipient: '', when: '', rule: routing.rules.join(', ') });
  return rows;
}

const ROUTE_COLUMNS: Column<RouteRow>[] = (['target', 'country', 'order', 'notice', 'recipient', 'when', 'rule'] as const).map((key) => ({
  header: key === 'order' ? '#' : key,
  value: (row: RouteRow) => row[key],
}));

function registerRoute(notice: Command): void {
  addInputOptions(
    notice
      .command('route')
      .summary('show which notices each target gets, to whom, and the rule that decided')
      .argument('[case]', 'case file (YAML or JSON); or give --resolve/--geo with --category'),
  )
    .option('-f, --format <format>', 'jsonl (one routing per target) or table (default: table on a terminal, jsonl otherwise)')
    .option('-o, --output <file>', 'write to this file (atomically) instead of stdout')
    .addHelpText(
      'after',
      `
Examples:
  vigie notice route samples/case-example.yaml
  vigie notice route --resolve resolve.jsonl --geo geo.jsonl --category csam -f jsonl

Each row is a notice to draft (in order, with its delay) or a flag for the analyst, with the id of the rule in the
rules file that made it. "NEEDS A MANUAL RECIPIENT" means no abuse contact was found: none is ever guessed.
Exit codes: 0 routed, 2 usage error, 3 input error (every problem listed with its path).`,
    )
    .action(async (casePath: string | undefined, options: NoticeInputOptions & { format?: string; output?: string }) => {
      checkOutputFolder(options.output);
      const prepared = await routeInput(readInputOptions(casePath, options));
      const format = resolveFormat(options.format, options.output !== undefined);
      if (format === 'jsonl') {
        const lines = prepared.routings.map((r) => `${JSON.stringify(r)}\n`).join('');
        if (options.output) await writeFileAtomic(options.output, lines);
        else process.stdout.write(lines);
        return;
      }
      const writer = createRecordWriter(format, ROUTE_COLUMNS, options.output);
      for (const routing of prepared.routings) for (const row of routeRows(routing)) writer.write(row);
      await writer.close();
    });
}

/** Asks the analyst; absent when prompting is not allowed (no TTY, `--no-input`). */
export interface Asker {
  text(message: string, options?: { validate?: (value: string) => true | string; default?: string }): Promise<string>;
  choose<T>(message: string, choices: { name: string; value: T; description?: string }[]): Promise<T>;
  confirm(message: string): Promise<boolean>;
}

async function inquirerAsker(): Promise<Asker> {
  const prompts = await import('@inquirer/prompts');
  const output = process.stderr;
  return {
    text: (message, options = {}) =>
      prompts.input({ message, ...(options.default ? { default: options.default } : {}), ...(options.validate ? { validate: options.validate } : {}) }, { output }),
    choose: (message, choices) => prompts.select({ message, choices, pageSize: 15 }, { output }),
    confirm: (message) => prompts.confirm({ message, default: true }, { output }),
  };
}

const required = (value: string) => (value.trim() === '' ? 'required' : true);
const NOTIFIER_QUESTIONS: Record<string, { message: string; validate: (value: string) => true | string }> = {
  organisation: { message: 'Notifier organisation', validate: required },
  organisationDomain: { message: 'Notifier domain (e.g. pointdecontact.net)', validate: required },
  contactEmail: { message: 'Notifier contact e-mail (a role address)', validate: (v) => (isEmailAddress(v) ? true : 'not an e-mail address') },
  country: { message: 'Notifier country (ISO code, e.g. FR)', validate: (v) => (/^[A-Z]{2}$/.test(v) ? true : 'two capital letters') },
  analystRef: { message: 'Analyst pseudonym (never a personal name)', validate: (v) => (/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(v) ? true : 'letters, digits, . _ -') },
};

/** Where a missing field goes in the case data: `notifier.contactEmail`, `targets[2].category`. */
function setField(raw: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== '');
  let node = raw as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) {
    node[part] ??= {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts.at(-1)!] = value;
}

function registerNew(notice: Command): void {
  addInputOptions(
    notice
      .command('new')
      .summary('complete a case interactively, preview its notices and write the case file')
      .argument('[case]', 'case file to start from (YAML or JSON); or give --resolve/--geo'),
  )
    .requiredOption('-o, --output <file>', 'the completed case file to write (YAML)')
    .option('--no-input', 'never prompt: fail with the list of missing fields (also the default without a terminal)')
    .addHelpText(
      'after',
      `
On a terminal it asks for what the input lacks: case reference, notifier, category (from the list), reasoning,
description (not for csam), the recipient when several abuse contacts were found (showing each one's provenance)
or none was; then it shows the notices' text and writes the case file only once you confirm.

Examples:
  vigie notice new --resolve resolve.jsonl --geo geo.jsonl --match match.jsonl -o case.yaml
  vigie notice new partial.yaml --no-input -o case.yaml     lists every missing field, exit 3

Exit codes: 0 written, 2 usage error, 3 input error or missing fields (nothing written), 130 interrupted.`,
    )
    .action(async (casePath: string | undefined, options: NoticeInputOptions & { output: string; input: boolean }) => {
      const interactive = options.input !== false && process.stdin.isTTY === true && process.stderr.isTTY === true;
      await newCase(casePath, options, interactive ? await inquirerAsker() : undefined);
    });
}

/** Refuses an output whose folder does not exist before any work (or question) is done. */
function checkOutputFolder(output: string | undefined): void {
  if (output === undefined) return;
  const parent = dirname(resolvePath(output));
  if (!statSync(parent, { throwIfNoEntry: false })?.isDirectory()) {
    throw new VigieError('not-found', `cannot write ${output}: ${parent} is not a folder`);
  }
}

/** The case data `new` starts from: the case file's, or sources pointing at the given files (absolute paths). */
async function startingData(casePath: string | undefined, options: NoticeInputOptions): Promise<Record<string, unknown>> {
  const raw = casePath ? structuredClone(await readCaseData(casePath)) : {};
  const base = casePath ? dirname(resolvePath(casePath)) : process.cwd();
  const sources = { ...((raw.sources ?? {}) as CaseSourceFiles) };
  for (const key of ['resolve', 'geo', 'match'] as const) {
    const given = options[key];
    if (given) sources[key] = resolvePath(given);
    else if (sources[key]) sources[key] = resolvePath(base, sources[key]);
  }
  if (Object.keys(sources).length > 0) raw.sources = sources;
  if (options.ref !== undefined) raw.caseRef = options.ref;
  if (options.category !== undefined) raw.category = options.category;
  if (options.description !== undefined) raw.description = options.description;
  if (options.reasoning !== undefined) raw.reasoning = options.reasoning;
  return raw;
}

export async function newCase(casePath: string | undefined, options: NoticeInputOptions & { output: string }, asker?: Asker): Promise<void> {
  checkOutputFolder(options.output);
  const raw = await startingData(casePath, options);
  if (!casePath && !raw.sources) throw new VigieError('no-input', 'give a case file, or --resolve and/or --geo files', ExitCode.usage);
  const source = casePath ?? 'input';
  const prepare = (): Promise<PreparedCase> =>
    routeInput({ caseData: { raw, source, baseDir: process.cwd() }, ...(options.rules ? { rulesPath: options.rules } : {}) });

  let prepared = await prepare();
  // Files alone: the targets become the case file's, so that answers about them have a place.
  if (!raw.targets) {
    raw.targets = prepared.input.targets.map((t) => ({ url: t.url, ...(t.observedAt ? { observedAt: t.observedAt } : {}) }));
    prepared = await prepare();
  }
  const missingNow = () => [...missingCaseFields(prepared.input, prepared.context.categories), ...missingRecipients(prepared)];
  if (!asker) {
    const missing = missingNow();
    if (missing.length > 0) throw new CaseInputError(`${source} (missing fields; run on a terminal to be asked)`, missing);
  } else {
    // One question at a time, the case re-read after each answer: a category decides whether a description is needed.
    for (let missing = missingNow(), last = ''; missing.length > 0; missing = missingNow()) {
      if (missing[0]!.path === last) throw new CaseInputError(source, missing.slice(0, 1));
      last = missing[0]!.path;
      await ask(raw, missing[0]!, prepared, asker);
      prepared = await prepare();
    }
    await chooseRecipients(raw, prepared, asker);
  }

  const { notices } = await prepareNotices({
    caseData: { raw, source, baseDir: process.cwd() },
    ...(options.rules ? { rulesPath: options.rules } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  if (asker) {
    process.stderr.write(await preview(notices));
    if (!(await asker.confirm(`Write the case (${notices.length} notices) to ${options.output}?`))) {
      process.stderr.write('nothing written\n');
      return;
    }
  }
  const { stringify } = await import('yaml');
  await writeFileAtomic(options.output, `# Written by vigie notice new\n${stringify(relativeSources(raw, options.output), { lineWidth: 0 })}`);
  process.stderr.write(`wrote ${options.output}: ${notices.map((n) => `${n.reference} (${n.kind}, ${n.recipient.name})`).join(', ')}\n`);
}

/** The case data with its `sources` relative to the file it is written to, as a hand-written case has them. */
function relativeSources(raw: Record<string, unknown>, output: string): Record<string, unknown> {
  if (!raw.sources) return raw;
  const base = dirname(resolvePath(output));
  const sources = Object.fromEntries(Object.entries(raw.sources as CaseSourceFiles).map(([key, path]) => [key, relative(base, path as string) || '.']));
  return { ...raw, sources };
}

/** Host and registrar notices without any abuse contact: a manual recipient is a missing field, never a guess. */
function missingRecipients(prepared: PreparedCase): InputIssue[] {
  const issues: InputIssue[] = [];
  prepared.routings.forEach((routing) => {
    for (const n of routing.notices) {
      const field = n.kind === 'registrar' ? 'registrarRecipient' : 'recipient';
      if (!n.recipient) issues.push({ path: `${routing.where}.${field}.email`, message: `no abuse contact found for the ${n.kind} notice: needs a manual recipient` });
    }
  });
  return issues;
}

async function ask(raw: Record<string, unknown>, issue: InputIssue, prepared: PreparedCase, asker: Asker): Promise<void> {
  const path = issue.path;
  const field = path.split('.').at(-1)!;
  const where = path.includes('.') ? path.slice(0, path.lastIndexOf('.')) : '';
  const about = where.startsWith('targets[') ? urlAt(raw, where.replace(/\.(recipient|registrarRecipient)$/, '')) : 'the case';
  let value: string;
  if (path.startsWith('notifier.')) {
    const question = NOTIFIER_QUESTIONS[field]!;
    value = await asker.text(question.message, { validate: question.validate });
  } else if (path === 'caseRef') {
    value = await asker.text('Case reference', { validate: (v) => (/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(v) ? true : 'letters, digits, . _ - (up to 64)') });
  } else if (field === 'category') {
    value = await asker.choose(
      `Legal category of ${about}`,
      prepared.context.categories.categories.map((c) => ({ name: `${c.code} — ${c.label.en}`, value: c.code, description: c.articles.join(', ') })),
    );
  } else if (field === 'reasoning') {
    value = await asker.text(`Why is the content of ${about} illegal (reasoning)?`, { validate: required });
  } else if (field === 'description') {
    value = await asker.text(`Factual description of ${about} (no reproduction)`, { validate: required });
  } else if (/\.(recipient|registrarRecipient)\.email$/.test(path)) {
    value = (await asker.text(`${issue.message}. Recipient e-mail for ${about}`, { validate: (v) => (isEmailAddress(v) ? true : 'not an e-mail address') })).toLowerCase();
  } else {
    throw new VigieError('internal', `no question for missing field ${path}`, ExitCode.input);
  }
  setField(raw, path, value);
}

/** Several abuse contacts for one host: the analyst picks, seeing where each came from. */
async function chooseRecipients(raw: Record<string, unknown>, prepared: PreparedCase, asker: Asker): Promise<void> {
  for (const routing of prepared.routings) {
    const host = routing.notices.find((n) => n.kind === 'host' && n.recipient && n.alternatives.length > 0);
    if (!host?.recipient?.abuseContact) continue;
    const contacts: RecipientContact[] = [host.recipient.abuseContact, ...host.alternatives];
    const chosen = await asker.choose(
      `Several abuse contacts for ${routing.url}: which one receives the host notice?`,
      contacts.map((c) => ({ name: `${c.email} (${c.basis ?? 'contact'}; ${c.provenance.join(', ')})`, value: c })),
    );
    setField(raw, `${routing.where}.recipient`, { email: chosen.email, ...(chosen.partyName ? { name: chosen.partyName } : {}) });
  }
}

function urlAt(raw: Record<string, unknown>, where: string): string {
  const index = /^targets\[(\d+)\]$/.exec(where)?.[1];
  const targets = raw.targets as { url: string }[] | undefined;
  return index !== undefined && targets?.[Number(index)] ? targets[Number(index)]!.url : 'the case';
}

/** The notices as a person checks them before the case is written: the text notices themselves. */
async function preview(notices: Notice[]): Promise<string> {
  const parts: string[] = [];
  for (const n of notices) {
    const due = n.routing.delayDays === 0 ? 'now' : `after ${n.routing.delayDays} days (${n.routing.condition})`;
    parts.push(`──── ${n.reference} · ${n.kind} → ${n.recipient.name} · ${due} · rule ${n.routing.rule}\n${await renderText(n)}\n`);
  }
  return parts.join('\n');
}
