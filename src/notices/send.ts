/**
 * `vigie notice send`: the bundle's `.eml` files, exactly as they are, through an SMTP server, only once the bundle
 * verifies. Each message is logged in the send log (bundle-layout.ts says where: outside the signed part), by
 * Message-ID, before it is sent (`sending`) and once the server answered (`sent` with the server's reply, or
 * `failed`). A message logged `sent` is never sent again; one logged `sending` without an answer (a run cut off
 * mid-message) is not sent again either unless the caller says so, since the server may have taken it.
 */
import { open, readFile, rm } from 'node:fs/promises';
import { ExitCode, VigieError, describeError } from '../core/errors.js';
import { sentLogPath } from './bundle-layout.js';
import { openVerifiedBundle } from './verify.js';

/** One line of the send log. */
export interface SentLogRecord {
  /** `sending`: handed to the server, no answer yet; `sent`: the server took it; `failed`: it refused it. */
  status: 'sending' | 'sent' | 'failed';
  messageId: string;
  noticeId: string;
  /** Path of the `.eml` in the bundle. */
  file: string;
  /** Envelope recipients. */
  to: string[];
  /** When this line was written (UTC). */
  at: string;
  /** The SMTP server, `host:port` (never credentials). */
  server: string;
  /** The server's last reply (`250 2.0.0 Ok: queued as …`), or its error. */
  response?: string;
}

export interface SendOptions {
  /** `smtp://host[:port]` (STARTTLS when offered) or `smtps://host[:port]` (TLS from the start). No credentials. */
  smtp: string;
  /** Ed25519 public key the bundle's manifest must be signed with. */
  publicKey?: string;
  /** Where credentials come from (`VIGIE_SMTP_USER`, `VIGIE_SMTP_PASSWORD`); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Extra trusted CA certificates (PEM), for a relay with a private CA. */
  ca?: string | Buffer;
  /** Send again messages a cut-off run left `sending`. */
  retryUnconfirmed?: boolean;
  /** Refuse an SMTP server that does not offer STARTTLS (always so when credentials are given). */
  requireTls?: boolean;
  /** Clock for the log; default now. */
  now?: () => Date;
  /** Told about each message as it goes. */
  onMessage?: (record: SentLogRecord) => void;
}

export interface SendSummary {
  bundle: string;
  log: string;
  sent: number;
  /** Already sent by an earlier run: not sent again. */
  alreadySent: number;
  /** Left `sending` by a cut-off run: not sent again (see `retryUnconfirmed`). */
  unconfirmed: string[];
}

export async function sendBundle(bundle: string, options: SendOptions): Promise<SendSummary> {
  const server = parseSmtpUrl(options.smtp);
  const env = options.env ?? process.env;
  const user = env.VIGIE_SMTP_USER;
  const password = env.VIGIE_SMTP_PASSWORD;
  if ((user === undefined) !== (password === undefined)) {
    throw new VigieError('smtp-credentials', 'set both VIGIE_SMTP_USER and VIGIE_SMTP_PASSWORD, or neither', ExitCode.usage);
  }

  const { report, manifest, source } = await openVerifiedBundle(bundle, { publicKey: options.publicKey });
  try {
    if (!report.sound || !manifest || !source) {
      const first = report.problems[0];
      throw new VigieError(
        'bundle-unsound',
        `${bundle} does not verify (${report.problems.length} problem(s), first: ${first?.file ? `${first.file}: ` : ''}${first?.message}): nothing sent`,
        ExitCode.findings,
      );
    }
    const log = sentLogPath(bundle, source.isZip);
    const lock = await takeLock(`${log}.lock`);
    try {
      const history = await readLog(log);
      const summary: SendSummary = { bundle, log, sent: 0, alreadySent: 0, unconfirmed: [] };
      const messages = manifest.notices.flatMap((notice) => (notice.email ? [{ noticeId: notice.id, ...notice.email }] : []));
      const pending = messages.filter((message) => {
        const status = history.get(message.messageId);
        if (status === 'sent') summary.alreadySent++;
        else if (status === 'sending' && !options.retryUnconfirmed) summary.unconfirmed.push(message.messageId);
        else return true;
        return false;
      });
      if (pending.length === 0) return summary;

      const nodemailer = await import('nodemailer');
      const transport = nodemailer.createTransport({
        host: server.host,
        port: server.port,
        secure: server.secure,
        // Credentials travel only encrypted: with them, a server without STARTTLS is refused.
        requireTLS: !server.secure && (options.requireTls === true || user !== undefined),
        ...(user === undefined ? {} : { auth: { user, pass: password! } }),
        ...(options.ca === undefined ? {} : { tls: { ca: options.ca } }),
        pool: true,
        maxConnections: 1,
      });
      const now = options.now ?? (() => new Date());
      const record = async (fields: Omit<SentLogRecord, 'at' | 'server'>) => {
        const line: SentLogRecord = { ...fields, at: now().toISOString(), server: `${server.host}:${server.port}` };
        await appendLine(log, line);
        options.onMessage?.(line);
      };
      try {
        for (const message of pending) {
          const raw = await source.read(message.file);
          if (raw === undefined) throw new Error(`${message.file} vanished from the bundle`);
          const base = { messageId: message.messageId, noticeId: message.noticeId, file: message.file, to: message.to };
          await record({ status: 'sending', ...base });
          try {
            const info = await transport.sendMail({ envelope: { from: message.from, to: message.to }, raw });
            await record({ status: 'sent', ...base, response: info.response });
            summary.sent++;
          } catch (error) {
            const why = describeError(error).message;
            await record({ status: 'failed', ...base, response: why });
            throw new VigieError('smtp', `${message.file}: ${server.host}:${server.port} refused it: ${why} (${summary.sent} sent before)`, ExitCode.environment);
          }
        }
      } finally {
        transport.close();
      }
      return summary;
    } finally {
      await lock.release();
    }
  } finally {
    source?.close();
  }
}

function parseSmtpUrl(text: string): { host: string; port: number; secure: boolean } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new VigieError('bad-smtp-url', `--smtp "${text.slice(0, 80)}" is not a URL such as smtp://mail.example:587`, ExitCode.usage);
  }
  if (url.username !== '' || url.password !== '') {
    // The command line shows in `ps` and shell history: credentials come from the environment only.
    throw new VigieError('smtp-credentials', '--smtp must not hold credentials: set VIGIE_SMTP_USER and VIGIE_SMTP_PASSWORD instead', ExitCode.usage);
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new VigieError('bad-smtp-url', `--smtp must be smtp:// or smtps://, not ${url.protocol}//`, ExitCode.usage);
  }
  if (url.hostname === '' || (url.pathname !== '' && url.pathname !== '/') || url.search !== '') {
    throw new VigieError('bad-smtp-url', `--smtp "${text.slice(0, 80)}" must be smtp://host[:port] only`, ExitCode.usage);
  }
  const secure = url.protocol === 'smtps:';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port: url.port === '' ? (secure ? 465 : 587) : Number(url.port), secure };
}

/** The last status of each Message-ID in the log. */
async function readLog(path: string): Promise<Map<string, SentLogRecord['status']>> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  const history = new Map<string, SentLogRecord['status']>();
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let record: Partial<SentLogRecord>;
    try {
      record = JSON.parse(line) as Partial<SentLogRecord>;
    } catch {
      // A log we cannot read could hide a message already sent: stop rather than risk sending it twice.
      throw new VigieError('bad-sent-log', `${path}:${index + 1} is not JSON: repair the send log before sending again`);
    }
    if (typeof record.messageId === 'string' && record.status !== undefined) history.set(record.messageId, record.status);
  });
  return history;
}

/** Appends one line and flushes it to disk before the next step (the log is what prevents a second send). */
async function appendLine(path: string, record: SentLogRecord): Promise<void> {
  const handle = await open(path, 'a', 0o644);
  try {
    await handle.write(`${JSON.stringify(record)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** One `send` at a time per bundle: two at once could both send a message before either logged it. */
async function takeLock(path: string): Promise<{ release(): Promise<void> }> {
  try {
    const handle = await open(path, 'wx', 0o644);
    await handle.write(`${process.pid}\n`);
    await handle.close();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    throw new VigieError('send-locked', `${path} exists: another send of this bundle is running (or one was killed: remove the file once sure)`, ExitCode.environment);
  }
  return { release: () => rm(path, { force: true }) };
}
