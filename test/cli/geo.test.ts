import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostingInfo } from '../../src/core/hosting.js';
import { jsonLines, runVigie } from '../helpers/cli.js';
import { freePort } from '../helpers/servers.js';
import { writeMirroredBootstrap } from '../helpers/rdap-mirror.js';

/** `vigie geo` with no registry at all: lookups are local (GeoIP) or go to a closed loopback port. */
describe('vigie geo: pasted targets, comments, and registries that all fail', () => {
  const work = mkdtempSync(join(tmpdir(), 'vigie-geo-cli-'));
  let dead: string[];
  beforeAll(async () => {
    const closed = await freePort();
    await writeMirroredBootstrap(join(work, 'bootstrap'), `http://127.0.0.1:${closed}`);
    dead = [
      '--bootstrap-dir', join(work, 'bootstrap'),
      '--whois-server', `whois.iana.org=127.0.0.1:${closed}`,
      '--whois-server', `whois.ripe.net=127.0.0.1:${closed}`,
      '--resolver', `127.0.0.1:${closed}`,
      '--no-cache', '--rate-limit', '0', '--timeout', '2000',
    ];
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('every registry failing is loud: error in the record and the table, a line on stderr, exit 3', async () => {
    // Before: a country, an empty abuse column, nothing on stderr, exit 0.
    const result = await runVigie(['geo', '193.0.6.139', ...dead, '-f', 'jsonl']);
    expect(result.code).toBe(3);
    const [info] = jsonLines<HostingInfo>(result.stdout);
    expect(info.addresses[0].country).toBeDefined();
    expect(info.error).toMatchObject({ code: 'lookups-failed', message: expect.stringMatching(/every registry lookup failed .*: the answer is incomplete/) });
    expect(result.stderr).toMatch(/vigie: 193\.0\.6\.139: every registry lookup failed/);
    const table = await runVigie(['geo', '193.0.6.139', ...dead, '-f', 'table']);
    expect(table.code).toBe(3);
    expect(table.stdout).toMatch(/lookups-failed: every registry lookup failed/);
  });

  it('accepts hxxp://example[.]com as vigie resolve does, and ip:port', async () => {
    const result = await runVigie(['geo', 'hxxp://example[.]com', '62.239.237.1:80', '--no-rdap', '--no-whois', '--resolver', dead[dead.indexOf('--resolver') + 1], '--no-cache', '-f', 'jsonl']);
    const [url, address] = jsonLines<HostingInfo>(result.stdout);
    expect(url).toMatchObject({ target: 'hxxp://example[.]com', kind: 'url', host: 'example.com', registrableDomain: 'example.com', registryDomain: 'example.com' });
    expect(url.error?.code).toBe('lookups-failed');
    expect(address).toMatchObject({ target: '62.239.237.1:80', kind: 'ip', addresses: [{ address: '62.239.237.1', country: expect.any(String) }] });
    expect(address.error).toBeUndefined();
    expect(address.producer.geoip?.[0]).toMatchObject({ source: 'geoip:dbip-country.mmdb' });
  });

  it('--from skips # comments and blank lines; resolve records on stdin are read as records', async () => {
    const list = join(work, 'targets.txt');
    writeFileSync(list, '# hosts reported on Monday\n\n62.239.237.1\n   # indented comment\r\n\r\n');
    const result = await runVigie(['geo', '--from', list, '--no-rdap', '--no-whois', '--no-cache', '-f', 'jsonl']);
    expect(result.code).toBe(0);
    expect(jsonLines<HostingInfo>(result.stdout).map((r) => r.target)).toEqual(['62.239.237.1']);
    const record = { input: 'x', url: 'http://a.example/', flags: [], hops: [], finalUrl: 'https://a.example/p', finalAddresses: [{ address: '62.239.237.9', family: 4, ttl: 1, scope: 'public' }] };
    const piped = await runVigie(['geo', '-', '--no-rdap', '--no-whois', '--no-cache', '-f', 'jsonl'], { input: `${JSON.stringify(record)}\n` });
    expect(jsonLines<HostingInfo>(piped.stdout)[0]).toMatchObject({ target: 'https://a.example/p', addresses: [{ address: '62.239.237.9' }] });
  });

  it('a bad --resolver is a usage error before any lookup', async () => {
    const result = await runVigie(['geo', '--resolver', 'dns.example', '62.239.237.1', '--no-rdap', '--no-whois']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^vigie: --resolver: /);
    expect(result.stdout).toBe('');
  });
});
