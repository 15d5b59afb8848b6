/** `vigie notice bundle | verify | send`: thin adapters over src/notices' writeBundle, verifyBundle and sendBundle. */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { ExitCode, VigieError } from '../../../core/errors.js';
// notice.ts registers these subcommands; its input options are shared with route and new.
import { addInputOptions, readInputOptions } from './index.js';
import {
  NOTICE_FORMATS,
  parseNow,
  prepareNotices,
  sendBundle,
  verifyBundle,
  writeBundle,
  type BundleSummary,
  type BundleVerifyReport,
  type NoticeFormat,
  type SentLogRecord,
} from '../../../notices/index.js';
import { addSummaryFormatOptions, createRecordWriter, summaryFormat, type Column } from '../../output.js';

function parseFormats(text: string): NoticeFormat[] {
  const formats = text.split(',').map((format) => format.trim()).filter((format) => format !== '');
  const unknown = formats.filter((format) => !(NOTICE_FORMATS as readonly string[]).includes(format));
  if (unknown.length > 0 || formats.length === 0) {
    throw new VigieError('bad-format', `--formats "${text.slice(0, 60)}": choose among ${NOTICE_FORMATS.join(', ')}`, ExitCode.usage);
  }
  return formats as NoticeFormat[];
}

/** Runs `work` with an AbortSignal that SIGINT/SIGTERM trip; an interrupted run exits 130/143 after cleaning up. */
async function interruptible<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => controller.abort(signal);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await work(controller.signal);
  } catch (error) {
    if (!controller.signal.aborted) throw error;
    process.stderr.write(`vigie: interrupted (${String(controller.signal.reason)}): nothing written\n`);
    process.exitCode = controller.signal.reason === 'SIGTERM' ? 143 : 130;
    return undefined;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

const BUNDLE_COLUMNS: Column<BundleSummary & { held: unknown[] }>[] = [
  { header: 'output', value: (r) => r.output },
  { header: 'caseRef', value: (r) => r.caseRef },
  { header: 'createdAt', value: (r) => r.createdAt },
  { header: 'notices', value: (r) => r.notices },
  { header: 'held', value: (r) => r.held.length },
  { header: 'files', value: (r) => r.files },
  { header: 'bytes', value: (r) => r.bytes },
  { header: 'manifestSha256', value: (r) => r.manifestSha256, fixed: true },
  { header: 'keyId', value: (r) => r.keyId, fixed: true },
];

const VERIFY_COLUMNS: Column<BundleVerifyReport>[] = [
  { header: 'bundle', value: (r) => r.bundle },
  { header: 'sound', value: (r) => String(r.sound) },
  { header: 'problems', value: (r) => r.problems.length },
  { header: 'notices', value: (r) => r.notices },
  { header: 'files', value: (r) => r.files },
  { header: 'caseRef', value: (r) => r.caseRef },
  { header: 'createdAt', value: (r) => r.createdAt },
  { header: 'signature', value: (r) => r.signature },
];

const SEND_COLUMNS: Column<SentLogRecord>[] = [
  { header: 'status', value: (r) => r.status },
  { header: 'file', value: (r) => r.file },
  { header: 'to', value: (r) => r.to.join(' ') },
  { header: 'messageId', value: (r) => r.messageId, fixed: true },
  { header: 'at', value: (r) => r.at },
  { header: 'server', value: (r) => r.server },
  { header: 'response', value: (r) => r.response },
];

function registerBundle(notice: Command): void {
  const command = notice
    .command('bundle')
    .summary('write the notices of a case into a folder or zip, with a manifest (and a signature)')
    .argument('[case]', 'case file (YAML or JSON); or give --resolve/--geo/--match files with --category')
    .requiredOption('-o, --output <dir|file.zip>', 'the bundle to write (must not exist)')
    .option('--formats <list>', `formats among ${NOTICE_FORMATS.join(',')} (default: all that apply to each notice)`, parseFormats)
    .option('--sign <key>', 'Ed25519 private key (PEM, from `vigie hashset keygen`) to sign the manifest with')
    .option('--lang <fr|en>', 'language of every notice (default: from the recipient\'s country)')
    .option('--templates <dir>', 'folder of <kind>.<lang>.hbs templates replacing the shipped ones');
  addSummaryFormatOptions(command, 'a one-line summary')
    .addHelpText(
      'after',
      `
One folder per recipient, each notice as .txt, .eml, .pdf, .json and .xarf.json (as its kind takes), and
manifest.json (SHA-256 and size of every file, generator version, case reference, creation time) with, when signed,
manifest.json.sig. The bundle appears only once complete. The same input and --now give the same bytes.
Nothing is sent: see "vigie notice send".
Example:
  vigie notice bundle case.yaml -o PDC-2026-000123.zip --sign ~/keys/hotline.key`,
    );
  addInputOptions(command).action(async (casePath: string | undefined, options) => {
    const format = summaryFormat(options);
    const now = parseNow(options.now);
    const prepared = await prepareNotices(readInputOptions(casePath, { ...options, now }));
    for (const held of prepared.held) process.stderr.write(`vigie: held: ${held.kind} notice for ${held.url} (rule ${held.rule}): ${held.reason}\n`);
    const summary = await interruptible((signal) =>
      writeBundle(prepared.notices, {
        output: options.output,
        formats: options.formats,
        signingKey: options.sign,
        now: new Date(now),
        renderOptions: { lang: options.lang, templatesDir: options.templates },
        signal,
      }),
    );
    if (!summary) return;
    if (format === 'table') {
      const signed = summary.keyId ? `; signed with key ${summary.keyId}` : '; not signed';
      process.stdout.write(
        `${summary.output}: ${summary.notices} notices, ${summary.files} files (${summary.bytes} bytes) for case ${summary.caseRef}, created ${summary.createdAt}; manifest sha256 ${summary.manifestSha256}${signed}\n`,
      );
      return;
    }
    const writer = createRecordWriter(format, BUNDLE_COLUMNS);
    writer.write({ ...summary, held: prepared.held });
    await writer.close();
  });
}

function printProblems(report: BundleVerifyReport): void {
  for (const problem of report.problems) process.stderr.write(`${report.bundle}: ${problem.file ? `${problem.file}: ` : ''}${problem.message}\n`);
}

function registerVerify(notice: Command): void {
  const command = notice
    .command('verify')
    .summary('check a bundle: every file against the manifest, nothing added, and the signature')
    .argument('<bundle>', 'bundle folder or zip')
    .option('--pubkey <file>', 'Ed25519 public key the manifest must be signed with');
  addSummaryFormatOptions(command, 'a one-line summary')
    .addHelpText('after', '\nExit 0 when sound, 1 when not (each problem on stderr).\nExample:\n  vigie notice verify PDC-2026-000123.zip --pubkey hotline.pub')
    .action(async (bundle: string, options) => {
      const report = await verifyBundle(bundle, { publicKey: options.pubkey });
      const format = summaryFormat(options);
      if (format === 'table') {
        printProblems(report);
        process.stdout.write(
          `${bundle}: ${report.sound ? 'sound' : `${report.problems.length} problem(s)`}; ${report.notices} notices, ${report.files} files; case ${report.caseRef ?? '?'}; created ${report.createdAt ?? '?'}; signature ${report.signature}\n`,
        );
      } else {
        if (format === 'csv') printProblems(report);
        const writer = createRecordWriter(format, VERIFY_COLUMNS);
        writer.write(report);
        await writer.close();
      }
      if (!report.sound) process.exitCode = ExitCode.findings;
    });
}

function registerSend(notice: Command): void {
  const command = notice
    .command('send')
    .summary('send the .eml files of a verified bundle through an SMTP server, once each')
    .argument('<bundle>', 'bundle folder or zip')
    .requiredOption('--smtp <url>', 'smtp://host[:port] (STARTTLS when offered; port 587 by default) or smtps://host[:port]')
    .option('--pubkey <file>', 'Ed25519 public key the bundle must be signed with')
    .option('--ca <file>', 'extra CA certificate (PEM) to trust for the server')
    .option('--require-tls', 'refuse a server that does not offer STARTTLS (always so with credentials)')
    .option('--retry-unconfirmed', 'send again messages an interrupted run left without the server\'s answer');
  addSummaryFormatOptions(command, 'a line per message and a summary')
    .addHelpText(
      'after',
      `
Credentials come from the environment only: VIGIE_SMTP_USER and VIGIE_SMTP_PASSWORD (then STARTTLS is required).
The bundle is verified first (nothing is sent if it does not verify). Each message is logged in sent.jsonl inside a
bundle folder, or <name>.sent.jsonl beside <name>.zip, with its Message-ID, recipients, time and the server's reply;
a message already logged as sent is never sent again.
Example:
  VIGIE_SMTP_USER=pdc VIGIE_SMTP_PASSWORD=… vigie notice send PDC-2026-000123.zip --smtp smtp://relay.example:587 --pubkey hotline.pub`,
    )
    .action(async (bundle: string, options) => {
      const ca = options.ca === undefined ? undefined : await readFile(options.ca as string).catch(() => {
        throw new VigieError('not-found', `cannot read CA certificate ${options.ca as string}`);
      });
      const format = summaryFormat(options);
      // Records are written as each message is answered, so that a long run shows its progress.
      const writer = format === 'table' ? undefined : createRecordWriter(format, SEND_COLUMNS);
      const onMessage = (record: SentLogRecord) => {
        if (record.status === 'sending') return;
        if (writer) writer.write(record);
        else process.stdout.write(`${record.status} ${record.file} to ${record.to.join(', ')}: ${record.response ?? ''}\n`);
      };
      const summary = await sendBundle(bundle, {
        smtp: options.smtp,
        publicKey: options.pubkey,
        ca,
        requireTls: options.requireTls === true,
        retryUnconfirmed: options.retryUnconfirmed === true,
        onMessage,
      });
      for (const messageId of summary.unconfirmed) {
        process.stderr.write(`vigie: ${messageId} was being sent when an earlier run stopped: not sent again (check the server, then --retry-unconfirmed)\n`);
      }
      await writer?.close();
      if (!writer) {
        process.stdout.write(`${bundle}: ${summary.sent} sent, ${summary.alreadySent} already sent before, ${summary.unconfirmed.length} unconfirmed; log ${summary.log}\n`);
      }
      if (summary.unconfirmed.length > 0) process.exitCode = ExitCode.findings;
    });
}

/** Adds bundle, verify and send to `vigie notice`. */
export function registerNoticeBundle(notice: Command): void {
  registerBundle(notice);
  registerVerify(notice);
  registerSend(notice);
}
