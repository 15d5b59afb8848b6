import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Notice } from '../../src/core/notice.js';
import { generateKeys } from '../../src/core/signing.js';
import { writeBundle } from '../../src/notices/bundle.js';
import type { BundleManifest } from '../../src/notices/bundle-layout.js';
import { sendBundle, type SentLogRecord } from '../../src/notices/send.js';
import { jsonLines, runVigie } from '../helpers/cli.js';
import { aiosmtpdPython, loopbackCertificate, startSmtpServer, type SmtpServer } from '../helpers/smtp.js';
import { exampleNotices, NOW, tempDir } from './bundle-fixtures.js';

const python = aiosmtpdPython();
const dir = tempDir('bundle-send');
const servers: SmtpServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  rmSync(dir, { recursive: true, force: true });
});

let notices: Notice[];
let keys: { privateKey: string; publicKey: string };
let otherKeys: { privateKey: string; publicKey: string };
let counter = 0;
beforeAll(async () => {
  notices = await exampleNotices();
  keys = await generateKeys(join(dir, 'k'));
  otherKeys = await generateKeys(join(dir, 'other'));
});

/** A fresh signed bundle (text, e-mail and JSON: what sending needs). */
async function bundle(zip = false): Promise<string> {
  const output = join(dir, `b${++counter}${zip ? '.zip' : ''}`);
  await writeBundle(notices, { output, now: new Date(NOW), formats: ['txt', 'eml', 'json'], signingKey: keys.privateKey });
  return output;
}

async function server(options: Parameters<typeof startSmtpServer>[1] = {}): Promise<SmtpServer> {
  const started = await startSmtpServer(python!, options);
  servers.push(started);
  return started;
}

const manifestOf = (path: string) => JSON.parse(readFileSync(join(path, 'manifest.json'), 'utf8')) as BundleManifest;
const logOf = (path: string) => jsonLines<SentLogRecord>(readFileSync(path, 'utf8'));

describe.skipIf(!python)('notice send over SMTP (aiosmtpd on loopback)', () => {
  it('sends every .eml exactly as it is in the bundle, logs each, and a second run sends nothing', async () => {
    const smtp = await server();
    const path = await bundle();
    const manifest = manifestOf(path);
    const emails = manifest.notices.flatMap((n) => (n.email ? [n.email] : []));
    expect(emails.length).toBeGreaterThan(3);

    const first = await sendBundle(path, { smtp: smtp.url, publicKey: keys.publicKey, env: {} });
    expect(first).toMatchObject({ sent: emails.length, alreadySent: 0, unconfirmed: [], log: join(path, 'sent.jsonl') });
    const received = await smtp.received();
    expect(received).toHaveLength(emails.length);
    emails.forEach((email, i) => {
      const message = received[i]!;
      expect(message.data.equals(readFileSync(join(path, email.file)))).toBe(true);
      expect(message.mailFrom).toBe(email.from);
      expect(message.rcptTos).toEqual(email.to);
      expect(message.tls).toBe(false);
    });

    const log = logOf(join(path, 'sent.jsonl'));
    expect(log.map((r) => r.status)).toEqual(emails.flatMap(() => ['sending', 'sent']));
    const sent = log.filter((r) => r.status === 'sent');
    expect(sent.map((r) => r.messageId)).toEqual(emails.map((e) => e.messageId));
    for (const record of sent) {
      expect(record.response).toMatch(/^250 2\.0\.0 Ok: queued as test-\d+/);
      expect(record.server).toBe(`127.0.0.1:${smtp.port}`);
      expect(Date.parse(record.at)).not.toBeNaN();
    }

    const second = await sendBundle(path, { smtp: smtp.url, publicKey: keys.publicKey, env: {} });
    expect(second).toMatchObject({ sent: 0, alreadySent: emails.length });
    expect(await smtp.received()).toHaveLength(emails.length);
    // The log is outside the signed part: the bundle still verifies.
    const verify = await runVigie(['notice', 'verify', path, '--pubkey', keys.publicKey]);
    expect(verify.code).toBe(0);
  });

  it('uses STARTTLS when offered, authenticates with credentials from the environment only (CLI, zip bundle)', async () => {
    const cert = loopbackCertificate(dir);
    const smtp = await server({ tls: cert, auth: { user: 'pdc', password: 's3cret' } });
    const path = await bundle(true);
    const env = { VIGIE_SMTP_USER: 'pdc', VIGIE_SMTP_PASSWORD: 's3cret', NODE_EXTRA_CA_CERTS: cert.cert };
    const result = await runVigie(['notice', 'send', path, '--smtp', smtp.url, '--pubkey', keys.publicKey, '--json'], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const records = jsonLines<SentLogRecord>(result.stdout);
    const received = await smtp.received();
    expect(received.length).toBeGreaterThan(3);
    expect(records.map((r) => r.status)).toEqual(received.map(() => 'sent'));
    for (const message of received) expect(message).toMatchObject({ tls: true, login: 'pdc' });
    expect(existsSync(join(dir, `b${counter}.sent.jsonl`))).toBe(true);

    // Wrong credentials: refused, nothing more received, exit 4.
    const other = await bundle(true);
    const refused = await runVigie(['notice', 'send', other, '--smtp', smtp.url], { env: { ...env, VIGIE_SMTP_PASSWORD: 'wrong' } });
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/^vigie: .*refused it/);
    expect(await smtp.received()).toHaveLength(received.length);

    // Without credentials STARTTLS is still used, since the server offers it.
    const offering = await server({ tls: cert });
    await sendBundle(await bundle(), { smtp: offering.url, env: {}, ca: readFileSync(cert.cert) });
    expect((await offering.received()).map((m) => m.tls)).toEqual(received.map(() => true));
    // Credentials never go to a server that does not offer STARTTLS.
    const cleartext = await server({ auth: { user: 'pdc', password: 's3cret' } });
    await expect(sendBundle(await bundle(), { smtp: cleartext.url, env })).rejects.toThrow(/STARTTLS/);
    expect(await cleartext.received()).toHaveLength(0);
  });

  it('never takes credentials from the command line, and sends nothing from a bundle that does not verify', async () => {
    const smtp = await server();
    const path = await bundle();
    const inUrl = await runVigie(['notice', 'send', path, '--smtp', `smtp://pdc:s3cret@127.0.0.1:${smtp.port}`]);
    expect(inUrl.code).toBe(2);
    expect(inUrl.stderr).toMatch(/VIGIE_SMTP_USER/);
    expect(inUrl.stderr).not.toMatch(/s3cret/);

    const eml = manifestOf(path).notices.find((n) => n.email)!.email!.file;
    appendFileSync(join(path, eml), 'Bcc: someone@else.example\r\n');
    const tampered = await runVigie(['notice', 'send', path, '--smtp', smtp.url]);
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toMatch(/does not verify.*nothing sent/);
    // Signed, but not with the key the sender expects.
    const other = await bundle();
    const wrongKey = await runVigie(['notice', 'send', other, '--smtp', smtp.url, '--pubkey', otherKeys.publicKey]);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toMatch(/signature made with key/);
    expect(await smtp.received()).toHaveLength(0);
    expect(existsSync(join(path, 'sent.jsonl')) || existsSync(join(other, 'sent.jsonl'))).toBe(false);
  });

  it('logs a refused message as failed and stops; a message left "sending" by a cut-off run is not sent again', async () => {
    const manifest = manifestOf(await bundle());
    const rejected = manifest.notices.find((n) => n.email)!.email!.to[0]!;
    const smtp = await server({ reject: [rejected] });
    const path = join(dir, `b${counter}`);
    await expect(sendBundle(path, { smtp: smtp.url, env: {} })).rejects.toMatchObject({ code: 'smtp', exitCode: 4 });
    expect(logOf(join(path, 'sent.jsonl')).map((r) => r.status)).toEqual(['sending', 'failed']);
    expect(logOf(join(path, 'sent.jsonl'))[1]!.response).toMatch(/550/);

    // A run killed between handing a message over and logging the answer: the message may have gone.
    const cut = await bundle();
    const emails = manifestOf(cut).notices.flatMap((n) => (n.email ? [n.email] : []));
    const pending: SentLogRecord = { status: 'sending', messageId: emails[0]!.messageId, noticeId: 'x', file: emails[0]!.file, to: emails[0]!.to, at: NOW, server: 'x' };
    writeFileSync(join(cut, 'sent.jsonl'), `${JSON.stringify(pending)}\n`);
    const plain = await server();
    const summary = await sendBundle(cut, { smtp: plain.url, env: {} });
    expect(summary).toMatchObject({ sent: emails.length - 1, unconfirmed: [emails[0]!.messageId] });
    expect(await plain.received()).toHaveLength(emails.length - 1);
    const retried = await sendBundle(cut, { smtp: plain.url, env: {}, retryUnconfirmed: true });
    expect(retried).toMatchObject({ sent: 1, alreadySent: emails.length - 1 });

    // Another send of the same bundle running: refused, nothing sent.
    writeFileSync(join(cut, 'sent.jsonl.lock'), '1\n');
    await expect(sendBundle(cut, { smtp: plain.url, env: {}, retryUnconfirmed: true })).rejects.toMatchObject({ code: 'send-locked', exitCode: 4 });
    rmSync(join(cut, 'sent.jsonl.lock'));

    // A damaged log could hide a message already sent: refuse to guess.
    appendFileSync(join(cut, 'sent.jsonl'), '{"status": "sent", "messageId"\n');
    await expect(sendBundle(cut, { smtp: plain.url, env: {} })).rejects.toMatchObject({ code: 'bad-sent-log' });
  });
});
