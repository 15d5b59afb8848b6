// README: vigie geo resolves names with vigie resolve's DNS client, DNS-over-HTTPS included (--resolver https://…).
import { createServer, type Server } from 'node:http';
import * as dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostingInfo } from '../../src/core/hosting.js';
import { jsonLines, runVigie } from '../helpers/cli.js';
import { answer } from '../net/fake-dns.js';

describe('vigie geo --resolver <DoH URL>', () => {
  let server: Server;
  let url: string;
  const asked: string[] = [];
  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const query = dnsPacket.decode(Buffer.concat(chunks));
        const question = query.questions?.[0];
        asked.push(`${request.method} ${request.headers['content-type']} ${question?.type} ${question?.name}`);
        const answers = question?.type === 'A' ? [{ type: 'A' as const, name: question.name, ttl: 60, data: '192.0.2.7' }] : [];
        response.writeHead(200, { 'content-type': 'application/dns-message' }).end(answer(query, { answers }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/dns-query`;
  });
  afterAll(async () => new Promise((resolve) => server.close(resolve)));

  it('resolves the target through the DoH server (RFC 8484 POST)', async () => {
    const result = await runVigie(['geo', 'https://doh.hotline-test.example/a.jpg', '--resolver', url, '--no-rdap', '--no-whois', '--no-cache', '-f', 'jsonl']);
    const [info] = jsonLines<HostingInfo>(result.stdout);
    expect(info.addresses.map((a) => a.address)).toEqual(['192.0.2.7']);
    expect(asked).toContain('POST application/dns-message A doh.hotline-test.example');
  });
});
