import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolutionRecord } from '../../src/core/resolution.js';
import { jsonLines, runVigie } from '../helpers/cli.js';
import { findBinary, startDnsmasq, type RunningServer } from '../helpers/servers.js';

const dnsmasq = findBinary('dnsmasq', 'dnsmasq-base');

describe.skipIf(!dnsmasq)('vigie resolve (CLI, DNS only against dnsmasq)', () => {
  let dns: RunningServer;
  let common: string[];
  beforeAll(async () => {
    dns = await startDnsmasq(dnsmasq as string, [
      '--local=/hotline-test.example/',
      '--host-record=www.hotline-test.example,192.0.2.10',
      '--mx-host=hotline-test.example,mail.hotline-test.example,10',
    ]);
    common = ['resolve', '--no-http', '--resolver', `${dns.host}:${dns.port}`, '--dns-timeout', '500', '--dns-retries', '0'];
  });
  afterAll(async () => dns?.stop());

  it('writes one JSON Lines record per input, in order, and exits 3 when one failed', async () => {
    const result = await runVigie([...common, 'hxxps://www.hotline-test[.]example/a#frag', 'nope.hotline-test.example', 'mailto:x@y']);
    expect(result.code).toBe(3);
    const records = jsonLines<ResolutionRecord>(result.stdout);
    expect(records.map((r) => [r.url ?? null, r.error?.code ?? null])).toEqual([
      ['https://www.hotline-test.example/a', null],
      ['http://nope.hotline-test.example/', 'dns-nxdomain'],
      [null, 'unsupported-scheme'],
    ]);
    expect(records[0]).toMatchObject({
      registrableDomain: 'hotline-test.example',
      flags: ['defanged', 'private-address'],
      dns: { addresses: [{ address: '192.0.2.10', scope: 'reserved' }], mx: [{ exchange: 'mail.hotline-test.example' }] },
      finalAddresses: [{ address: '192.0.2.10' }],
      hops: [],
    });
    expect(result.stderr).toContain('2 of 3 URLs could not be resolved');
  });

  it('reads a CSV column from stdin and writes CSV', async () => {
    const csv = 'id,reported_url\n1,www.hotline-test.example\n2,"=cmd|calc"\n';
    const result = await runVigie([...common, '-', '--column', 'reported_url', '-f', 'csv'], { input: csv });
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe('input,url,domain,flags,addresses,chain,finalUrl,finalAddresses,error');
    expect(lines[1]).toContain('http://www.hotline-test.example/,hotline-test.example,');
    expect(lines[2].startsWith("'=cmd|calc")).toBe(true);
  });

  it('handles a 1 MB line and control characters on stdin without echoing them whole', async () => {
    const input = `http://www.hotline-test.example/${'a'.repeat(1 << 20)}\nhttp://www.hotline-test.example/\u0001x\n`;
    const result = await runVigie([...common, '-'], { input });
    const records = jsonLines<ResolutionRecord>(result.stdout);
    expect(records.map((r) => r.error?.code)).toEqual(['url-too-long', 'invalid-url']);
    expect(result.stdout.length).toBeLessThan(10_000);
    expect(result.code).toBe(3);
  });

  it('refuses a bad --resolver as a usage error', async () => {
    const result = await runVigie(['resolve', '--resolver', 'dns.example', 'x.example']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--resolver');
  });
});
