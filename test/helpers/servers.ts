/**
 * Real servers for integration tests, started on random loopback addresses and ports in temporary directories and
 * always stopped: dnsmasq (DNS) and nginx (HTTP/HTTPS). Each start returns undefined, with one line on stderr saying
 * what to install, when the binary is missing, so that suites can `describe.skipIf`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function findBinary(name: string, debianPackage: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin', '/sbin']) {
    const path = join(dir, name);
    if (dir && existsSync(path)) return path;
  }
  process.stderr.write(`skipping tests that need ${name}: not installed (apt-get install ${debianPackage})\n`);
  return undefined;
}

/** A loopback address other engineers' suites are unlikely to use at the same moment. */
export function randomLoopback(): string {
  return `127.0.${1 + Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`;
}

/** A TCP port free on `host` right now (the kernel's choice). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  host: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

async function waitFor(check: () => Promise<boolean>, child: ChildProcess, what: string, log: () => string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`${what} exited at start: ${log()}`);
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} did not start: ${log()}`);
}

function tcpOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Runs a server in the foreground and waits until it accepts TCP connections on `host:port`; stopping it kills the
 * process and removes its temporary directory, and so does a failed start.
 */
async function runServer(binary: string, args: string[], what: string, dir: string, host: string, port: number): Promise<RunningServer> {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const stop = async () => {
    await stopProcess(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(() => tcpOpen(host, port), child, what, () => output.slice(-2000));
  } catch (error) {
    await stop();
    throw error;
  }
  return { host, port, dir, stop };
}

/** dnsmasq in the foreground (the test owns the process), answering only from the records given as options. */
export async function startDnsmasq(binary: string, records: string[]): Promise<RunningServer> {
  const dir = await mkdtemp(join(tmpdir(), 'vigie-dnsmasq-'));
  const host = randomLoopback();
  const port = await freePort(host);
  return runServer(binary, [
    '--keep-in-foreground',
    '--conf-file=/dev/null',
    '--no-resolv',
    '--no-hosts',
    '--bind-interfaces',
    `--listen-address=${host}`,
    `--port=${port}`,
    `--pid-file=${join(dir, 'dnsmasq.pid')}`,
    '--log-facility=-',
    ...records,
  ], 'dnsmasq', dir, host, port);
}

/** nginx with `server` blocks given (use PORT / TLSPORT / DIR placeholders), logs and pid in a temporary prefix. */
export async function startNginx(
  binary: string,
  serverBlocks: string,
  files: Record<string, string | Buffer> = {},
): Promise<RunningServer & { tlsPort: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'vigie-nginx-'));
  // Workers run as an unprivileged user when the tests run as root: they must be able to read the files.
  await chmod(dir, 0o755);
  const host = '127.0.0.1';
  const port = await freePort(host);
  const tlsPort = await freePort(host);
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content, { mode: 0o644 });
  const config = `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events { worker_connections 512; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  ${serverBlocks.replaceAll('TLSPORT', String(tlsPort)).replaceAll('PORT', String(port)).replaceAll('DIR', dir)}
}
`;
  await writeFile(join(dir, 'nginx.conf'), config);
  const args = ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log'), '-g', 'daemon off;'];
  return { ...(await runServer(binary, args, 'nginx', dir, host, port)), tlsPort };
}

/** A self-signed certificate for `name` made with openssl; undefined (with a message) when openssl is missing. */
export function makeCertificate(dir: string, name: string): { cert: string; key: string; fingerprint: string } | undefined {
  const openssl = findBinary('openssl', 'openssl');
  if (!openssl) return undefined;
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  const made = spawnSync(openssl, [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert,
    '-days', '2', '-subj', `/CN=${name}/O=Vigie Test`, '-addext', `subjectAltName=DNS:${name}`,
  ]);
  if (made.status !== 0) throw new Error(`openssl req failed: ${made.stderr}`);
  const fingerprint = spawnSync(openssl, ['x509', '-in', cert, '-noout', '-fingerprint', '-sha256'], { encoding: 'utf8' });
  return { cert, key, fingerprint: fingerprint.stdout.trim().split('=')[1] };
}
