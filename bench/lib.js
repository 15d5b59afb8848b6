// Small helpers shared by the benches: timing, a table printer, where the reference data lives, local servers.
import { existsSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(import.meta.url), '../..');
export const SHARED_DIR = resolve(process.env.VIGIE_SHARED ?? join(REPO_ROOT, '..', 'shared'));

export function sharedPath(relative) {
  const path = join(SHARED_DIR, relative);
  return existsSync(path) ? path : undefined;
}

/** Runs `fn` once and returns seconds elapsed. */
export async function time(fn) {
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
}

export function printTable(title, headers, rows) {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  console.log(`\n## ${title}\n`);
  console.log(`| ${headers.map((h, i) => h.padEnd(widths[i])).join(' | ')} |`);
  console.log(`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
  for (const row of rows.map((r) => r.map(String))) console.log(`| ${row.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`);
}

/** A system binary (nginx, dnsmasq) from the usual sbin/bin folders, or undefined. */
export const sbin = (name) => ['/usr/sbin', '/usr/bin', '/usr/local/sbin'].map((dir) => join(dir, name)).find(existsSync);

/** A TCP port free on `host` right now. */
export const freePort = (host) =>
  new Promise((done) => {
    const server = createServer().listen(0, host, () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });

/** Waits until something accepts connections on host:port (a server the bench started). */
export const listening = async (host, port) => {
  for (let i = 0; i < 100; i++) {
    const open = await new Promise((done) => {
      const socket = connect({ host, port }, () => done(socket.destroy() || true)).on('error', () => done(false));
    });
    if (open) return;
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`nothing listening on ${host}:${port}`);
};

let helperHooks = false;

/**
 * A test helper module (test/helpers/<name>.ts: the servers the tests start), imported as it is rather than copied
 * into the bench; its imports of src/ come from dist/ (run `npm run build` first).
 */
export async function importHelper(name) {
  if (!helperHooks) {
    const { register } = await import('node:module');
    register('./hooks/typescript.js', import.meta.url, { data: { root: REPO_ROOT } });
    helperHooks = true;
  }
  return import(new URL(`../test/helpers/${name}.ts`, import.meta.url).href);
}
