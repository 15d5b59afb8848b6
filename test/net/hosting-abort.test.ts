import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHostingLookup } from '../../src/net/geo.js';
import { writeMirroredBootstrap } from '../helpers/rdap-mirror.js';

describe('hosting lookup honours an AbortSignal', () => {
  const work = mkdtempSync(join(tmpdir(), 'vigie-geo-abort-'));
  let server: Server;
  let requests = 0;
  beforeAll(async () => {
    // An RDAP server that takes every request and never answers.
    server = createServer(() => void requests++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    await writeMirroredBootstrap(join(work, 'bootstrap'), `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(work, { recursive: true, force: true });
  });

  it('abandons the request in flight and makes no other: the record says aborted', async () => {
    const lookup = await createHostingLookup({ bootstrapDir: join(work, 'bootstrap'), whois: false, cacheDir: false, rateLimitMs: 0, timeoutMs: 20_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('interrupted')), 300);
    const started = Date.now();
    const info = await lookup.lookup('62.239.237.1', { signal: controller.signal });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(info.error?.code).toBe('aborted');
    expect(requests).toBe(1);
    const after = await lookup.lookup('62.239.237.2', { signal: controller.signal });
    expect(after.error?.code).toBe('aborted');
    expect(requests).toBe(1);
    await lookup.close();
  });
});
