import { basename } from 'node:path';
import { Option, type Command } from 'commander';
import { ExitCode } from '../../core/errors.js';
import type { SignalName } from '../../core/signals/index.js';
import {
  buildManifest,
  DEFAULT_MAX_LINE_BYTES,
  diffHashSets,
  EXPORT_FORMATS,
  exportHashSet,
  FORMAT_NAMES,
  formatProblem,
  generateKeys,
  hashSetStats,
  importHashSet,
  loadHashSet,
  manifestPathOf,
  mergeHashSets,
  parseColumnMap,
  readManifest,
  signFile,
  verifyHashSet,
  writeManifest,
  type DiffChange,
  type FileImportReport,
  type FormatName,
  type VerifyReport,
} from '../../hashsets/index.js';
import { parsePositiveInteger, parseSignal, parseThresholds } from '../inputs.js';
import { addSummaryFormatOptions, createRecordWriter, resolveFormat, summary, summaryFormat, type Column, type OutputFormat } from '../output.js';

/** Skipped lines shown on stderr; the rest are counted (a broken 10M-line list must not flood the terminal). */
const SHOWN_SKIPS = 20;

/** The format of a list read in; `-f/--format` is the output format, as in every command. */
const listFormatOption = () => new Option('--list-format <name>', 'list format (default: detected)').choices([...FORMAT_NAMES]);
const outputFormatOption = () => new Option('-f, --format <format>', 'output as jsonl, csv or table (default: table on a terminal)');
const noVerifyOption = () =>
  new Option('--no-verify', "use the store without checking its digest (only when it was verified separately)");
const countsText = (counts: Partial<Record<string, number>>) =>
  Object.entries(counts)
    .map(([signal, n]) => `${signal} ${n}`)
    .join(', ') || 'none';

const importColumns: Column<FileImportReport>[] = [
  { header: 'file', value: (r) => r.file },
  { header: 'format', value: (r) => r.format },
  { header: 'hashes', value: (r) => countsText(r.counts) },
  { header: 'skipped', value: (r) => r.skippedCount },
  { header: 'ignored', value: (r) => countsText(r.ignored) },
  { header: 'warnings', value: (r) => r.warnings.join('; ') },
];

/** Every skipped line is accounted for on stderr: the first ones with file:line and reason, then a count. */
function reportSkips(files: FileImportReport[]): void {
  let shown = 0;
  let total = 0;
  for (const file of files) {
    total += file.skippedCount;
    for (const skip of file.skipped) {
      if (shown++ < SHOWN_SKIPS) process.stderr.write(`vigie: ${skip.file}:${skip.line}: ${skip.reason} (skipped)\n`);
    }
    for (const warning of file.warnings) process.stderr.write(`vigie: ${file.file}: ${warning}\n`);
  }
  if (total > Math.min(shown, SHOWN_SKIPS)) process.stderr.write(`vigie: … ${total - Math.min(shown, SHOWN_SKIPS)} more skipped lines\n`);
  process.stderr.write(`vigie: ${total} line(s) skipped in total\n`);
}

function registerImport(hashset: Command): void {
  hashset
    .command('import')
    .summary('import hash lists (any supported format) into a native store')
    .argument('<files...>', 'hash list files')
    .requiredOption('-o, --output <set>', 'native store to write (mode 0600, atomically), with <set>.manifest.json')
    .addOption(listFormatOption())
    .option('--type <signal>', 'signal of a plain list or of a CSV without a type column (md5, sha1, sha256, pdq, …)', parseSignal)
    .option('--map <mapping>', 'CSV columns by name or number: hash=COL, type=COL, category=COL, scheme=COL, source=COL, tags=COL, or one per signal (md5=COL, …), comma-separated', parseColumnMap)
    .option('--delimiter <char>', 'CSV field separator (default: guessed from the header)')
    .option('--category-scheme <scheme>', 'category scheme to record (vics-us, vics-uk, dhs, caid, inhope-baseline, custom, …)')
    .option('--source <name>', 'list the entries came from (ncmec, iwf, project-vic, own, …)')
    .option('--name <name>', "the set's name (default: the output file's name)")
    .option('--thresholds <list>', 'per-set match thresholds in bits, e.g. pdq=25,vpdq=31', parseThresholds)
    .option('--sequence <n>', 'manifest sequence number (default: previous manifest + 1, or 1)', parsePositiveInteger('--sequence'))
    .option('--strict', 'fail on the first line that cannot be imported instead of skipping it')
    .option('--max-line-length <bytes>', 'refuse longer lines', parsePositiveInteger('--max-line-length'), DEFAULT_MAX_LINE_BYTES)
    .addOption(outputFormatOption())
    .addHelpText(
      'after',
      `
Formats: ${FORMAT_NAMES.join(', ')} (detected from content when --list-format is absent). UTF-8 or
UTF-16 with a BOM, LF or CRLF; md5sum/sha256sum, BSD and openssl dgst lines; md5deep -z; hashdeep.
A 64-hex plain list is SHA-256 or PDQ: --type is required there.

Examples:
  vigie hashset import known.txt --type md5 -o known.vhs
  vigie hashset import vics.json ncmec.xml -o incoming.vhs --strict
  vigie hashset import ncmec-page-1.xml ncmec-page-2.xml -o ncmec.vhs   (NCMEC pages apply in order)
  vigie hashset import iwf.csv --map md5=MD5,sha1=SHA1,category=Grade --category-scheme caid -o iwf.vhs

Skipped lines are always reported on stderr as file:line: reason, with their count.
Exit codes: 0 imported, 2 usage error, 3 unreadable or malformed input, nothing importable (every line skipped),
or any skipped line with --strict.`,
    )
    .action(async (files: string[], options) => {
      // Before the work: a bad -f must not fail after the store is written.
      const format = resolveFormat(options.format, false);
      const result = await importHashSet(files, options.output, {
        format: options.listFormat,
        type: options.type,
        map: options.map,
        delimiter: options.delimiter === '\\t' ? '\t' : options.delimiter,
        categoryScheme: options.categoryScheme,
        source: options.source,
        name: options.name,
        thresholds: options.thresholds,
        strict: options.strict,
        maxLineBytes: options.maxLineLength,
      });
      const manifest = await buildManifest(options.output, { sequence: options.sequence, name: options.name });
      await writeManifest(options.output, manifest);
      const writer = createRecordWriter(format, importColumns);
      for (const file of result.files) writer.write(file);
      await writer.close();
      reportSkips(result.files);
      const duplicates = Object.values(result.duplicates).reduce((sum, n) => sum + (n ?? 0), 0);
      // A warning about the data, not a summary: --quiet does not hide it.
      if (duplicates > 0) {
        process.stderr.write(
          `vigie: ${duplicates} duplicate hash(es) kept, each with its provenance (${countsText(result.duplicates)}); "vigie hashset dedupe" keeps one
`,
        );
      }
      summary(`wrote ${options.output}: ${countsText(result.store.counts)} (manifest sequence ${manifest.sequence})`);
    });
}

/** What `hashset export` wrote. */
interface ExportRecord {
  /** The native store read. */
  set: string;
  /** The list file written. */
  output: string;
  /** Its format. */
  to: FormatName;
  /** Entries written. */
  written: number;
  /** Entries the format could not hold, counted per reason (also reported on stderr). */
  leftOut: Record<string, number>;
}

const EXPORT_COLUMNS: Column<ExportRecord>[] = [
  { header: 'output', value: (r) => r.output },
  { header: 'to', value: (r) => r.to },
  { header: 'written', value: (r) => r.written },
  { header: 'leftOut', value: (r) => countsText(r.leftOut) },
];

function registerExport(hashset: Command): void {
  hashset
    .command('export')
    .summary('write a native store as a list file')
    .argument('<set>', 'native store')
    .addOption(new Option('--to <name>', 'list format to write').choices(EXPORT_FORMATS).makeOptionMandatory())
    .addOption(noVerifyOption())
    .requiredOption('-o, --output <file>', 'list file to write (mode 0600, atomically)')
    .option('--signal <signal>', 'only this signal (plain lists hold one)', parseSignal)
    .addOption(outputFormatOption())
    .addHelpText(
      'after',
      `
Examples:
  vigie hashset export set.vhs --to hashdeep -o known.hashdeep
  vigie hashset export set.vhs --to plain --signal md5 -o md5.txt

Entries the format cannot hold (e.g. PDQ in hashdeep) are counted on stderr, never dropped silently.
The record of what was written goes to stdout (-f).`,
    )
    .action(async (set: string, options: { to: FormatName; output: string; signal?: SignalName; verify: boolean; format?: string }) => {
      const format = resolveFormat(options.format, false);
      const { written, skips } = await exportHashSet(set, options.to, options.output, { signal: options.signal, verify: options.verify });
      for (const [reason, count] of Object.entries(skips)) process.stderr.write(`vigie: ${count} entries left out: ${reason}\n`);
      await writeOne<ExportRecord>(format, EXPORT_COLUMNS, { set, output: options.output, to: options.to, written, leftOut: skips });
      summary(`wrote ${written} entries to ${options.output}`);
    });
}

function registerStats(hashset: Command): void {
  hashset
    .command('stats')
    .summary('counts per signal, category and source')
    .argument('<set>', 'native store')
    .addOption(outputFormatOption())
    .addOption(noVerifyOption())
    .addHelpText('after', '\nExample:\n  vigie hashset stats hashsets/samples.vhs')
    .action(async (set: string, options) => {
      const stats = hashSetStats(await loadHashSet(set, { verify: options.verify }));
      const rows = [
        ['name', stats.name],
        ['content sha256', stats.contentSha256],
        ['format version', String(stats.formatVersion ?? '')],
        ['total', String(stats.total)],
        ...Object.entries(stats.counts).map(([k, v]) => [`signal ${k}`, String(v)]),
        ...Object.entries(stats.categories).map(([k, v]) => [`category ${k}`, String(v)]),
        ...Object.entries(stats.sources).map(([k, v]) => [`source ${k}`, String(v)]),
        ['duplicates', String(stats.duplicates)],
        ['videos', String(stats.videos)],
      ];
      const format = resolveFormat(options.format, false);
      if (format === 'jsonl') {
        process.stdout.write(`${JSON.stringify(stats)}\n`);
        return;
      }
      const writer = createRecordWriter<string[]>(format, [
        { header: 'field', value: (r) => r[0] },
        // Holds the content SHA-256.
        { header: 'value', value: (r) => r[1], fixed: true },
      ]);
      for (const row of rows) writer.write(row);
      await writer.close();
    });
}

function registerDiff(hashset: Command): void {
  hashset
    .command('diff')
    .summary('hashes added, removed, or whose category changed, per signal')
    .argument('<old>', 'older native store')
    .argument('<new>', 'newer native store')
    .option('--entries', 'list every change (hashes in full) instead of the per-signal summary')
    .addOption(outputFormatOption())
    .option('-o, --output <file>', 'write there (atomically) instead of stdout')
    .addOption(noVerifyOption())
    .addHelpText('after', '\nExample:\n  vigie hashset diff last-week.vhs today.vhs\n  vigie hashset diff a.vhs b.vhs --entries -f csv -o changes.csv')
    .action(async (older: string, newer: string, options) => {
      const load = (path: string) => loadHashSet(path, { verify: options.verify });
      const diff = diffHashSets(await load(older), await load(newer));
      const format = resolveFormat(options.format, options.output !== undefined);
      if (options.entries) {
        const writer = createRecordWriter<DiffChange>(
          format,
          ['change', 'signal', 'hash', 'from', 'to'].map((key) => ({ header: key, value: (r) => r[key as keyof DiffChange], fixed: key === 'hash' })),
          options.output,
        );
        for (const change of diff.changes) writer.write(change);
        await writer.close();
        return;
      }
      type Row = { signal: string; added: number; removed: number; category: number };
      const writer = createRecordWriter<Row>(
        format,
        ['signal', 'added', 'removed', 'category'].map((key) => ({ header: key, value: (r) => r[key as keyof Row] })),
        options.output,
      );
      for (const [signal, summary] of Object.entries(diff.summary)) writer.write({ signal, ...summary });
      await writer.close();
    });
}

function registerMerge(hashset: Command, name: 'merge' | 'dedupe'): void {
  const command = hashset.command(name);
  if (name === 'merge') {
    command
      .summary('merge native stores, each hash once, provenance kept, conflicts reported')
      .argument('<sets...>', 'native stores; the first wins on conflicting categories');
  } else {
    command.summary('remove duplicate hashes (provenance of the removed ones kept)').argument('<set>', 'native store');
  }
  command
    .requiredOption('-o, --output <set>', 'native store to write (mode 0600, atomically), with its manifest')
    .option('--name <name>', "the set's name (default: the output file's name)")
    .addOption(outputFormatOption())
    .addOption(noVerifyOption())
    .addHelpText(
      'after',
      `
Example:
  vigie hashset ${name} ${name === 'merge' ? 'ncmec.vhs vics.vhs' : 'incoming.vhs'} -o combined.vhs

Conflicts (a hash with different categories) are listed on stdout, one record each; exit 0.`,
    )
    .action(async (sets: string | string[], options) => {
      const inputs = Array.isArray(sets) ? sets : [sets];
      const format = resolveFormat(options.format, false);
      const result = await mergeHashSets(inputs, options.output, options.name ?? basename(options.output), { verify: options.verify });
      await writeManifest(options.output, await buildManifest(options.output, { name: options.name }));
      const writer = createRecordWriter<(typeof result.conflicts)[number]>(format, [
        { header: 'signal', value: (c) => c.signal },
        { header: 'hash', value: (c) => c.hash, fixed: true },
        {
          header: 'categories',
          value: (c) =>
            c.categories
              .map((x) => `${x.category ? `${x.category.scheme}:${x.category.value}` : '(none)'} (${x.from?.file}:${x.from?.line})`)
              .join('; '),
        },
      ]);
      for (const conflict of result.conflicts) writer.write(conflict);
      await writer.close();
      summary(
        `read ${result.read} entries, wrote ${result.written} (${result.read - result.written} duplicates merged), ${result.conflicts.length} category conflicts`,
      );
    });
}

function registerVerify(hashset: Command): void {
  const command = hashset
    .command('verify')
    .summary('check a list against its manifest and signature (for CI)')
    .argument('<set>', 'native store or list file, with <set>.manifest.json beside it')
    .option('--pubkey <key>', 'Ed25519 public key (PEM): the signature <set>.manifest.json.sig must hold with it')
    .option('--previous <manifest>', 'last accepted manifest: the sequence must not go backwards')
    .option('--expect-min-count <n>', 'fail when the list holds fewer hashes', parsePositiveInteger('--expect-min-count'));
  addSummaryFormatOptions(command, 'a one-line summary')
    .addHelpText(
      'after',
      `
Checks: SHA-256 and size against the manifest, format version, counts per signal, every hash's syntax,
duplicates, sequence (with --previous), Ed25519 signature (with --pubkey).

Examples:
  vigie hashset verify lists/iwf.vhs --pubkey ci/hotline.pub --previous accepted/iwf.vhs.manifest.json
  vigie hashset verify known.txt --expect-min-count 1000 -f jsonl

Duplicate hashes are counted, not problems (import keeps them and says so). An empty list is said to be empty.
Exit codes: 0 sound, 1 one line per problem on stderr (file:line: what), 2 usage error.`,
    )
    .action(async (set: string, options) => {
      const report = await verifyHashSet(set, {
        publicKey: options.pubkey,
        previous: options.previous,
        expectMinCount: options.expectMinCount,
      });
      const format = summaryFormat(options);
      for (const problem of report.problems) process.stderr.write(`${formatProblem(problem)}\n`);
      if (report.problemCount > report.problems.length) {
        process.stderr.write(`${report.file}: … ${report.problemCount - report.problems.length} more problems\n`);
      }
      const total = Object.values(report.counts).reduce((sum, n) => sum + (n ?? 0), 0);
      const duplicates = Object.values(report.duplicates).reduce((sum, n) => sum + (n ?? 0), 0);
      const verdict = report.sound ? (report.empty ? 'sound but EMPTY (no hash)' : 'sound') : `${report.problemCount} problem(s)`;
      if (format === 'jsonl') process.stdout.write(`${JSON.stringify(report)}\n`);
      else if (format === 'table') {
        const kept = duplicates > 0 ? `; ${duplicates} duplicate(s) kept (${countsText(report.duplicates)})` : '';
        process.stdout.write(
          `${report.file}: ${verdict}; ${total} hashes (${countsText(report.counts)})${kept}; sequence ${report.manifest?.sequence ?? '?'}; signature ${report.signature}\n`,
        );
      } else {
        const writer = createRecordWriter<VerifyReport>(format, [
          { header: 'file', value: (r) => r.file },
          { header: 'verdict', value: () => verdict },
          { header: 'hashes', value: () => total },
          { header: 'duplicates', value: () => duplicates },
          { header: 'sequence', value: (r) => r.manifest?.sequence ?? '' },
          { header: 'signature', value: (r) => r.signature },
        ]);
        writer.write(report);
        await writer.close();
      }
      if (!report.sound) process.exitCode = ExitCode.findings;
    });
}

/** What `hashset keygen` wrote. */
interface KeygenRecord {
  /** Path of the private key (PEM, PKCS#8, mode 0600): keep it offline. */
  privateKey: string;
  /** Path of the public key (PEM, SPKI): what CI verifies with. */
  publicKey: string;
  /** The key's id, as signatures and `verify` name it (the first 16 hex digits of the SHA-256 of its DER form). */
  keyId: string;
}

/** What `hashset sign` wrote. */
interface SignRecord {
  /** Path of the manifest written (`<set>.manifest.json`). */
  manifest: string;
  /** The manifest's sequence number. */
  sequence: number;
  /** Hashes the manifest counts. */
  total: number;
  /** Path of the signature written (`<set>.manifest.json.sig`). */
  signature: string;
  /** Id of the key that signed. */
  keyId: string;
}

const KEYGEN_COLUMNS: Column<KeygenRecord>[] = [
  { header: 'privateKey', value: (r) => r.privateKey },
  { header: 'publicKey', value: (r) => r.publicKey },
  { header: 'keyId', value: (r) => r.keyId, fixed: true },
];

const SIGN_COLUMNS: Column<SignRecord>[] = [
  { header: 'manifest', value: (r) => r.manifest },
  { header: 'sequence', value: (r) => r.sequence },
  { header: 'total', value: (r) => r.total },
  { header: 'signature', value: (r) => r.signature },
  { header: 'keyId', value: (r) => r.keyId, fixed: true },
];

/** One record on stdout, in the format asked for (table on a terminal, JSON Lines otherwise). */
async function writeOne<T>(format: OutputFormat, columns: Column<T>[], record: T): Promise<void> {
  const writer = createRecordWriter(format, columns);
  writer.write(record);
  await writer.close();
}

function registerKeys(hashset: Command): void {
  hashset
    .command('keygen')
    .summary('make an Ed25519 key pair for signing manifests')
    .argument('<prefix>', 'writes <prefix>.key (private, mode 0600) and <prefix>.pub')
    .addOption(outputFormatOption())
    .addHelpText('after', '\nExample:\n  vigie hashset keygen ~/keys/hotline   (keep the .key offline; give the .pub to CI)')
    .action(async (prefix: string, options: { format?: string }) => {
      // Checked before the keys are written: a bad -f must not leave a key pair behind.
      const format = resolveFormat(options.format, false);
      await writeOne<KeygenRecord>(format, KEYGEN_COLUMNS, await generateKeys(prefix));
    });
  hashset
    .command('sign')
    .summary('write the manifest of a list and sign it with Ed25519')
    .argument('<set>', 'native store or list file')
    .requiredOption('--key <private>', 'Ed25519 private key (PEM, from keygen)')
    .option('--sequence <n>', 'sequence number (default: the current manifest\'s, or 1)', parsePositiveInteger('--sequence'))
    .option('--name <name>', 'list name recorded in the manifest')
    .addOption(listFormatOption())
    .option('--type <signal>', 'signal of a plain list', parseSignal)
    .addOption(outputFormatOption())
    .addHelpText(
      'after',
      `
Writes <set>.manifest.json (SHA-256, size, counts, format, sequence) and <set>.manifest.json.sig.
Example:
  vigie hashset sign known.txt --type md5 --key ~/keys/hotline.key --sequence 42`,
    )
    .action(async (set: string, options) => {
      const format = resolveFormat(options.format, false);
      const current = await readManifest(manifestPathOf(set)).catch(() => undefined);
      const manifest = await buildManifest(set, {
        sequence: options.sequence ?? current?.manifest.sequence ?? 1,
        name: options.name,
        format: options.listFormat,
        type: options.type,
      });
      const manifestPath = await writeManifest(set, manifest);
      const signature = await signFile(manifestPath, options.key);
      await writeOne<SignRecord>(format, SIGN_COLUMNS, {
        manifest: manifestPath,
        sequence: manifest.sequence,
        total: manifest.total,
        signature: signature.path,
        keyId: signature.keyId,
      });
    });
}

export function registerHashset(program: Command): void {
  const hashset = program
    .command('hashset')
    .description('Hash lists in every format hotlines receive, kept in one native store that loads fast (hashsets/FORMAT.md).')
    .addHelpText(
      'after',
      `
Examples:
  vigie hashset import list.csv -o list.vhs && vigie hashset stats list.vhs
  vigie hashset keygen ci && vigie hashset sign list.vhs --key ci.key && vigie hashset verify list.vhs --pubkey ci.pub`,
    );
  registerImport(hashset);
  registerExport(hashset);
  registerStats(hashset);
  registerDiff(hashset);
  registerMerge(hashset, 'merge');
  registerMerge(hashset, 'dedupe');
  registerVerify(hashset);
  registerKeys(hashset);
  for (const command of hashset.commands) command.exitOverride();
}
