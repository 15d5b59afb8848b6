// README: vigie geo resolves names with vigie resolve's DNS client, DNS-over-HTTPS included (--resolver https://…).
import * as dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostingInfo } from '../../src/core/hosting.js';
import { jsonLines, runVigie } from '../helpers/cli.js';
import { startHttpServer, type FakeHttpServer } from '../helpers/fake-servers.js';
import { answer } from '../net/fake-dns.js';

describe('vigie geo --resolver <DoH URL>', () => {
  let server: FakeHttpServer;
  const asked: string[] = [];
  beforeAll(async () => {
    server = await startHttpServer((request, response) => {
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
  });
  afterAll(() => server.close());

  it('resolves the target through the DoH server (RFC 8484 POST)', async () => {
    const result = await runVigie(['geo', 'https://doh.hotline-test.example/a.jpg', '--resolver', `${server.base}/dns-query`, '--no-rdap', '--no-whois', '--no-cache', '-f', 'jsonl']);
    const [info] = jsonLines<HostingInfo>(result.stdout);
    expect(info.addresses.map((a) => a.address)).toEqual(['192.0.2.7']);
    expect(asked).toContain('POST application/dns-message A doh.hotline-test.example');
  });
});
