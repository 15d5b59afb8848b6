import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveAddresses } from '../../src/net/dns.js';

const dnsmasq = ['/usr/sbin/dnsmasq', 'dnsmasq'].find((bin) => spawnSync(bin, ['--version']).status === 0);
if (!dnsmasq) process.stderr.write('skipping the resolver test: dnsmasq not installed (apt-get install dnsmasq-base)\n');

async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

describe.skipIf(!dnsmasq)('the resolver geo uses by default (dns.ts with --resolver host:port) against dnsmasq', () => {
  let server: ChildProcess;
  let resolver: string;

  beforeAll(async () => {
    const port = await freeUdpPort();
    resolver = `127.0.0.1:${port}`;
    server = spawn(dnsmasq as string, [
      '--keep-in-foreground', '--conf-file=/dev/null', '--no-resolv', '--no-hosts', '--bind-interfaces',
      '--listen-address=127.0.0.1', `--port=${port}`, '--local=/hotline-test.example/',
      '--host-record=www.hotline-test.example,192.0.2.10,2001:db8::10', '--pid-file=',
    ], { stdio: 'ignore' });
    // Ready when it answers.
    for (let attempt = 0; attempt < 50; attempt++) {
      const answer = await resolveAddresses('www.hotline-test.example', { resolver, timeoutMs: 200, retries: 0 });
      if (answer.addresses.length) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
  afterAll(() => {
    server?.kill();
  });

  it('returns both families with TTLs, and an error for a name that does not exist', async () => {
    const answer = await resolveAddresses('www.hotline-test.example', { resolver });
    expect(answer.addresses.map((a) => [a.address, a.family]).sort()).toEqual([['192.0.2.10', 4], ['2001:db8::10', 6]]);
    const missing = await resolveAddresses('nope.hotline-test.example', { resolver });
    expect(missing.addresses).toEqual([]);
    expect(missing.error?.code).toBe('enotfound');
  });
});
