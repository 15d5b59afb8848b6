/**
 * A real PostgreSQL server for the tests: `initdb` and `pg_ctl` (Debian's `postgresql`) in a temporary directory,
 * listening on a free loopback port with its socket in that directory, stopped and removed by `stop()`. As root it
 * runs as the `postgres` system user (initdb refuses root). `startPostgres()` returns undefined, with one line on
 * stderr, when the binaries are absent, so that suites can skip. Plain JavaScript (typed by postgres.d.ts) so that
 * bench/store.js can start the same server.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A TCP port free on 127.0.0.1 right now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The newest `/usr/lib/postgresql/<version>/bin` that has initdb and pg_ctl (or `VIGIE_PG_BIN`). */
export function postgresBinaries() {
  const candidates = process.env.VIGIE_PG_BIN
    ? [process.env.VIGIE_PG_BIN]
    : existsSync('/usr/lib/postgresql')
      ? readdirSync('/usr/lib/postgresql')
          .sort((a, b) => Number(b) - Number(a))
          .map((version) => join('/usr/lib/postgresql', version, 'bin'))
      : [];
  const found = candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
  if (!found) {
    process.stderr.write('skipping PostgreSQL tests: initdb/pg_ctl not found (apt-get install postgresql)\n');
  }
  return found;
}

async function systemUser() {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = async () => {
    const { stdout: uid } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    return { name: 'postgres', uid: Number(uid), gid: Number(gid) };
  };
  try {
    return await lookup();
  } catch {
    await run('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
    return lookup();
  }
}

/** `fsync`: off by default (tests need no durability); the bench turns it on to measure what a real server costs. */
export async function startPostgres({ fsync = false } = {}) {
  const bin = postgresBinaries();
  if (!bin) return undefined;
  const user = await systemUser();
  const dir = await mkdtemp(join(tmpdir(), 'vigie-pg-'));
  if (user) await chown(dir, user.uid, user.gid);
  const as = (command, args) =>
    user ? run('runuser', ['-u', user.name, '--', join(bin, command), ...args]) : run(join(bin, command), args);
  const data = join(dir, 'data');
  const port = await freePort();
  await as('initdb', ['-D', data, '-U', 'vigie', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=${fsync ? 'on' : 'off'} -c max_connections=50`;
  await as('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', '-t', '30', 'start']);
  let databases = 0;
  const { default: pg } = await import('pg');
  return {
    port,
    dir,
    async createDatabase() {
      const name = `vigie_test_${++databases}`;
      const client = new pg.Client({ connectionString: `postgres://vigie@127.0.0.1:${port}/postgres` });
      await client.connect();
      try {
        await client.query(`create database ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://vigie@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      await as('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
