import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveBatch, resolveUrl } from '../../src/net/resolve.js';
import { jsonLines, runVigie } from '../helpers/cli.js';
import { startSocks5 } from './hostile-http.js';

/** A web server on loopback that counts the requests it gets and redirects wherever it is told. */
describe('private addresses are recorded and flagged, never requested unless --allow-private', () => {
  let server: Server;
  let port: number;
  const requests: string[] = [];
  beforeAll(async () => {
    server = createServer((request, response) => {
      requests.push(request.url ?? '');
      const to = new URL(request.url ?? '/', 'http://x').searchParams.get('to');
      if (to) response.writeHead(302, { location: to }).end();
      else response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['[::1]', 'loopback'],
    ['192.0.2.1', 'reserved'],
  ])('http://%s/ is not requested (%s)', async (host, scope) => {
    const before = requests.length;
    const record = await resolveUrl(`http://${host}:${port}/`, { timeoutMs: 1000 });
    expect(record.error?.code).toBe('private-address');
    expect(record.flags).toContain('private-address');
    expect(record.hops).toHaveLength(1);
    expect(record.hops[0]).toMatchObject({ ip: host.replace(/[[\]]/g, ''), scope, error: { code: 'private-address' } });
    expect(record.hops[0].status).toBeUndefined();
    expect(requests.length).toBe(before);
  });

  it('a redirect to an inward address is recorded, not followed', async () => {
    // Reached by name through a SOCKS5 proxy (which resolves it, and sends everything to loopback here), so that the
    // first hop is allowed and the second is ours to refuse.
    const proxy = await startSocks5();
    try {
      const before = requests.length;
      const record = await resolveUrl(`http://hidden.onion:${port}/?to=http://169.254.169.254/latest/meta-data/`, {
        timeoutMs: 1000,
        proxy: `socks5://127.0.0.1:${proxy.port}`,
      });
      expect(requests.length).toBe(before + 1);
      expect(record.hops.map((hop) => [hop.status ?? null, hop.error?.code ?? null])).toEqual([
        [302, null],
        [null, 'private-address'],
      ]);
      expect(record.hops[1]).toMatchObject({ url: 'http://169.254.169.254/latest/meta-data/', scope: 'link-local' });
      expect(record.error?.code).toBe('private-address');
    } finally {
      await proxy.close();
    }
  });

  it('--allow-private requests them (what the tests against loopback servers pass)', async () => {
    const before = requests.length;
    const record = await resolveUrl(`http://127.0.0.1:${port}/`, { timeoutMs: 1000, allowPrivate: true });
    expect(record.error).toBeUndefined();
    expect(record.hops[0]).toMatchObject({ status: 200, scope: 'loopback' });
    expect(record.flags).toContain('private-address');
    expect(requests.length).toBe(before + 1);
  });

  it('vigie resolve refuses by default and requests with --allow-private', async () => {
    const before = requests.length;
    const refused = await runVigie(['resolve', '-f', 'jsonl', `http://127.0.0.1:${port}/`]);
    expect(refused.code).toBe(3);
    expect(jsonLines(refused.stdout)[0]).toMatchObject({ error: { code: 'private-address' }, flags: expect.arrayContaining(['private-address']) });
    expect(refused.stderr).toMatch(/not requested \(--allow-private requests it\)/);
    expect(requests.length).toBe(before);
    const allowed = await runVigie(['resolve', '-f', 'jsonl', '--allow-private', `http://127.0.0.1:${port}/`]);
    expect(allowed.code).toBe(0);
    expect(requests.length).toBe(before + 1);
  });

  it('records carry observedAt and producer; an aborted batch starts nothing and throws', async () => {
    const record = await resolveUrl('http://10.0.0.1/', {});
    expect(record.observedAt).toMatch(/Z$/);
    expect(record.producer.tool).toMatch(/^vigie \d/);
    const controller = new AbortController();
    controller.abort(new Error('interrupted'));
    const before = requests.length;
    const run = async () => {
      for await (const _ of resolveBatch([`http://127.0.0.1:${port}/`], { allowPrivate: true, signal: controller.signal })) void _;
    };
    await expect(run()).rejects.toThrow('interrupted');
    expect(requests.length).toBe(before);
  });
});
