/**
 * A real SMTP server on loopback for the send tests: test/helpers/smtp-server.py on Debian's python3-aiosmtpd
 * (which .ci/run installs). Undefined, with one line on stderr, when aiosmtpd is missing, so suites can skip.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from './shared.js';

/** A Python 3 that can import aiosmtpd: Debian's, even when another python3 comes first on PATH. */
export function aiosmtpdPython(): string | undefined {
  for (const python of ['/usr/bin/python3', 'python3']) {
    if (python.startsWith('/') && !existsSync(python)) continue;
    if (spawnSync(python, ['-c', 'import aiosmtpd'], { stdio: 'ignore' }).status === 0) return python;
  }
  process.stderr.write('skipping SMTP tests: aiosmtpd not installed (apt-get install python3-aiosmtpd)\n');
  return undefined;
}

export interface ReceivedMessage {
  /** The DATA bytes as the server received them. */
  data: Buffer;
  mailFrom: string;
  rcptTos: string[];
  tls: boolean;
  login: string | null;
}

export interface SmtpServer {
  port: number;
  url: string;
  received(): Promise<ReceivedMessage[]>;
  stop(): Promise<void>;
}

export interface SmtpServerOptions {
  tls?: { cert: string; key: string };
  auth?: { user: string; password: string };
  reject?: string[];
}

export async function startSmtpServer(python: string, options: SmtpServerOptions = {}): Promise<SmtpServer> {
  const spool = await mkdtemp(join(tmpdir(), 'vigie-smtp-'));
  const args = [join(REPO_ROOT, 'test', 'helpers', 'smtp-server.py'), spool];
  if (options.tls) args.push('--tls', options.tls.cert, options.tls.key);
  if (options.auth) args.push('--auth', options.auth.user, options.auth.password);
  for (const address of options.reject ?? []) args.push('--reject', address);
  const child = spawn(python, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let errors = '';
  child.stderr.on('data', (chunk) => (errors += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`smtp-server.py exited (${code}): ${errors.slice(-2000)}`)));
  });
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    async received() {
      const names = (await readdir(spool)).filter((name) => name.endsWith('.eml')).sort();
      return Promise.all(
        names.map(async (name) => {
          const meta = JSON.parse(await readFile(join(spool, name.replace(/\.eml$/, '.json')), 'utf8')) as Omit<ReceivedMessage, 'data'>;
          return { ...meta, data: await readFile(join(spool, name)) };
        }),
      );
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      await rm(spool, { recursive: true, force: true });
    },
  };
}

/** A certificate for 127.0.0.1 (IP subject alternative name) made with openssl, in `dir`. */
export function loopbackCertificate(dir: string): { cert: string; key: string } {
  const key = join(dir, 'smtp-key.pem');
  const cert = join(dir, 'smtp-cert.pem');
  const made = spawnSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert,
    '-days', '2', '-subj', '/CN=127.0.0.1/O=Vigie Test', '-addext', 'subjectAltName=IP:127.0.0.1',
  ], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`openssl req failed: ${made.stderr}`);
  return { cert, key };
}
