import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runVigie } from '../helpers/cli.js';
import { startHttpServer, startWhoisServers, type FakeHttpServer } from '../helpers/fake-servers.js';
import { writeMirroredBootstrap } from '../helpers/rdap-mirror.js';
import { findBinary, startDnsmasq, type RunningServer } from '../helpers/servers.js';
import { REPO_ROOT } from '../helpers/shared.js';

const dnsmasq = findBinary('dnsmasq', 'dnsmasq-base');

interface Exported {
  report: { id: string; status: string };
  url?: { url: string; flags: string[]; resolution?: { flags: string[]; hops: { status?: number }[] } };
  hosting?: { info: { addresses: { address: string }[]; error?: { code: string } } };
  qualification?: { status: string; basis?: { set: string } };
}

/**
 * The 200 sample reports against local servers: dnsmasq answers every `.example`/`.test` name with 127.0.0.1, one
 * loopback HTTP server is every web host (the sample URLs are rewritten to its port), and RDAP (a mirror of the
 * bootstrap on a fake server) and WHOIS fake servers stand for the registries. Request counts show the work done.
 */
describe.skipIf(!dnsmasq)('vigie triage against local DNS, HTTP, RDAP and WHOIS servers', () => {
  let dns: RunningServer;
  let web: FakeHttpServer;
  let rdap: FakeHttpServer;
  let whois: Awaited<ReturnType<typeof startWhoisServers>>;
  let dir: string;
  let reports: string;
  let distinctUrls: number;
  let common: string[];

  beforeAll(async () => {
    dns = await startDnsmasq(dnsmasq as string, ['--address=/example/127.0.0.1', '--address=/test/127.0.0.1']);
    web = await startHttpServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<html><body>sample</body></html>');
    });
    rdap = await startHttpServer((_request, response) => {
      response.writeHead(404);
      response.end();
    });
    whois = await startWhoisServers({ 'whois.iana.org': {} });
    dir = await mkdtemp(join(tmpdir(), 'vigie-triage-net-'));
    await writeMirroredBootstrap(join(dir, 'bootstrap'), rdap.base);
    const port = new URL(web.base).port;
    const text = await readFile(join(REPO_ROOT, 'samples/reports.csv'), 'utf8');
    const rewritten = text.replace(/\b(https?|hxxps?):\/\/([^/,]+)\//g, (_, scheme: string, host: string) => `${scheme.replace(/s$/, '')}://${host}:${port}/`);
    reports = join(dir, 'reports.csv');
    await writeFile(reports, rewritten);
    for (const name of ['gradient.png', 'shapes.png', 'text.png', 'tiles.png', 'notes.txt']) await copyFile(join(REPO_ROOT, 'samples', name), join(dir, name));
    await mkdir(join(dir, 'transformed'));
    for (const name of ['gradient-q60.jpg', 'shapes-resized.png']) await copyFile(join(REPO_ROOT, 'samples/transformed', name), join(dir, 'transformed', name));
    await copyFile(join(REPO_ROOT, 'samples/reports-known.vhs'), join(dir, 'known.vhs'));
    distinctUrls = new Set(
      rewritten.trim().split('\n').slice(1).map((line) => line.split(',')[1].replace('hxxp', 'http').replace(/\[\.\]/g, '.')),
    ).size;
    common = [
      'triage', reports, '--against', join(dir, 'known.vhs'), '--resolver', `${dns.host}:${dns.port}`,
      '--bootstrap-dir', join(dir, 'bootstrap'), '--whois-server', `whois.iana.org=${whois.servers['whois.iana.org']}`,
      '--cache-dir', join(dir, 'cache'), '--rate-limit', '0', '--timeout', '3000',
    ];
  }, 60_000);
  afterAll(async () => {
    await dns?.stop();
    await web?.close();
    await rdap?.close();
    await whois?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('never fetches the loopback URLs without --allow-private, and flags them', async () => {
    const caseFile = join(dir, 'private.sqlite');
    const result = await runVigie([...common, '--case', caseFile]);
    expect(result.code).toBe(0);
    expect(web.requests).toHaveLength(0);
    const records = jsonLines<Exported>((await runVigie(['case', 'export', '--case', caseFile])).stdout);
    expect(records).toHaveLength(200);
    for (const record of records) {
      expect(record.url?.resolution?.flags).toContain('private-address');
      expect(record.url?.resolution?.hops).toEqual([]);
      expect(record.hosting?.info).toMatchObject({ error: { code: 'private-address' } });
    }
  }, 120_000);

  it('with --allow-private: every report has an outcome, each URL fetched once, known media auto-qualified', async () => {
    const caseFile = join(dir, 'allowed.sqlite');
    const before = web.requests.length;
    const result = await runVigie([...common, '--case', caseFile, '--allow-private']);
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.code).toBe(0);
    expect(web.requests.length - before).toBe(distinctUrls);
    const records = jsonLines<Exported>((await runVigie(['case', 'export', '--case', caseFile])).stdout);
    expect(records).toHaveLength(200);
    for (const record of records) {
      expect(['auto-qualified', 'needs-review']).toContain(record.report.status);
      expect(record.url?.resolution?.hops[0]?.status).toBe(200);
      expect(record.hosting?.info.addresses[0]?.address).toBe('127.0.0.1');
    }
    expect(records.filter((record) => record.qualification?.basis?.set === 'vigie-sample-known' && record.report.status === 'auto-qualified').length).toBeGreaterThan(10);
    // Running it again asks nothing of any server.
    const counts = [web.requests.length, rdap.requests.length];
    const again = await runVigie([...common, '--case', caseFile, '--allow-private']);
    expect(again.stdout).toMatch(/0 new, 200 already in the case/);
    expect([web.requests.length, rdap.requests.length]).toEqual(counts);
  }, 120_000);

  it('after SIGKILL mid-batch, the rerun fetches only what was not finished', async () => {
    const caseFile = join(dir, 'killed.sqlite');
    const before = web.requests.length;
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/vigie.js'), ...common, '--case', caseFile, '--allow-private', '--lease', '2000', '-j', '4'], { stdio: 'ignore' });
    // Listened to at once: a run that ends before the kill must not be waited for forever.
    const closed = new Promise((resolve) => child.on('close', resolve));
    await new Promise((resolve) => setTimeout(resolve, 3000));
    child.kill('SIGKILL');
    await closed;
    const rerun = await runVigie([...common, '--case', caseFile, '--allow-private', '--lease', '2000', '-j', '4']);
    expect(rerun.code).toBe(0);
    // URLs in flight at the kill (at most -j of them) may be asked twice; nothing finished is asked again.
    const fetched = web.requests.length - before;
    expect(fetched).toBeGreaterThanOrEqual(distinctUrls);
    expect(fetched).toBeLessThanOrEqual(distinctUrls + 4);
    const records = jsonLines<Exported>((await runVigie(['case', 'export', '--case', caseFile])).stdout);
    expect(records.every((record) => record.report.status !== 'pending')).toBe(true);
  }, 120_000);
});
