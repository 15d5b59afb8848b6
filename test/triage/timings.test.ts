/**
 * Per-stage timings of a triage run (src/triage/timings.ts) and the pipeline's use of the case: one read of a report,
 * each step's records committed with its checkpoint, and nothing asked again of the network for a URL or host that
 * another report of an earlier run already resolved or located.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostingInfo } from '../../src/core/hosting.js';
import type { ResolutionRecord } from '../../src/core/resolution.js';
import { STAGES, StageClock } from '../../src/triage/timings.js';
import { openCaseStore, runTriage, type TriageOptions } from '../../src/triage/index.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('StageClock', () => {
  it('sums concurrent calls in busy time and counts them once in wall time', async () => {
    const clock = new StageClock();
    await clock.work(() => Promise.all([clock.time('resolve', () => sleep(60)), clock.time('resolve', () => sleep(60))]));
    const { stages, workMs, wallMs } = clock.read();
    expect(stages.resolve.calls).toBe(2);
    expect(stages.resolve.busyMs).toBeGreaterThanOrEqual(110);
    expect(stages.resolve.wallMs).toBeGreaterThanOrEqual(55);
    expect(stages.resolve.wallMs).toBeLessThan(stages.resolve.busyMs * 0.75);
    expect(stages.resolve.wallMs).toBeLessThanOrEqual(wallMs);
    expect(workMs).toBeGreaterThanOrEqual(55);
    expect(stages.hash).toEqual({ calls: 0, busyMs: 0, wallMs: 0 });
    expect(Object.keys(stages)).toEqual([...STAGES]);
  });

  it('times a wrapped object\'s asynchronous methods, failures included, and leaves the rest as it was', async () => {
    const clock = new StageClock();
    class Target {
      readonly name = 'case';
      private readonly delay = 30;
      async slow(): Promise<string> {
        await sleep(this.delay);
        return this.name;
      }
      async broken(): Promise<never> {
        await sleep(this.delay);
        throw new Error('refused');
      }
      quick(): number {
        return 7;
      }
    }
    const wrapped = clock.wrap('store', new Target());
    expect(wrapped.name).toBe('case');
    expect(await wrapped.slow()).toBe('case');
    await expect(wrapped.broken()).rejects.toThrow('refused');
    expect(wrapped.quick()).toBe(7);
    const { store } = clock.read().stages;
    expect(store.calls).toBe(3);
    expect(store.busyMs).toBeGreaterThanOrEqual(55);
  });

  it('times each wait of an iteration, and a synchronous body without making it asynchronous', async () => {
    const clock = new StageClock();
    async function* rows() {
      for (let n = 0; n < 3; n++) {
        await sleep(15);
        yield n;
      }
    }
    const seen: number[] = [];
    for await (const row of clock.iterate('read', rows())) seen.push(row);
    expect(seen).toEqual([0, 1, 2]);
    expect(clock.timeSync('qualify', () => 'done')).toBe('done');
    expect(() => clock.timeSync('match', () => { throw new Error('bad record'); })).toThrow('bad record');
    const { stages } = clock.read();
    // Three rows and the end of the iteration.
    expect(stages.read.calls).toBe(4);
    expect(stages.read.busyMs).toBeGreaterThanOrEqual(40);
    expect([stages.qualify.calls, stages.match.calls]).toEqual([1, 1]);
  });
});

describe('runTriage: timings and the work asked of the network', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigie-triage-timings-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const observed = { observedAt: '2026-11-02T10:00:00.000Z', producer: { tool: { name: 'vigie', version: 'test' } } } as const;
  function fakes() {
    const asked = { resolve: [] as string[], locate: [] as string[] };
    const resolve = async (url: string): Promise<ResolutionRecord> => {
      asked.resolve.push(url);
      await sleep(5);
      return { input: url, url, flags: [], hops: [], finalUrl: url, ...observed } as unknown as ResolutionRecord;
    };
    const locate = async (target: string): Promise<HostingInfo> => {
      asked.locate.push(target);
      await sleep(5);
      return { target, kind: 'url', addresses: [], abuseContacts: [], disagreements: [], lookups: [], credits: [], ...observed } as unknown as HostingInfo;
    };
    return { asked, resolve, locate };
  }

  async function triage(casePath: string, rows: string[], fake: ReturnType<typeof fakes>, name: string) {
    const file = join(dir, `${name}.csv`);
    await writeFile(file, `id,url,reported_at,source\n${rows.join('\n')}\n`);
    const store = await openCaseStore(casePath);
    try {
      const options: TriageOptions = {
        store,
        files: [file],
        offline: false,
        allowPrivate: true,
        resolve: fake.resolve,
        locate: fake.locate,
        worker: 'test',
        producer: 'vigie test',
      };
      return await runTriage(options);
    } finally {
      await store.close();
    }
  }

  it('reports every stage\'s time within the run\'s work, the store\'s calls included', async () => {
    const rows = Array.from({ length: 40 }, (_, n) => `T${n},http://www.site${n % 4}.test/p/${n}.html,2026-11-02T10:00:00Z,public-form`);
    const summary = await triage(join(dir, 'timed.sqlite'), rows, fakes(), 'timed');
    expect(summary.processed).toBe(40);
    const { stages, workMs, wallMs } = summary.timings;
    // One call per row and the end of the file; URLs are cleaned when read (domain counts) and at their step.
    expect(stages.read.calls).toBe(41);
    expect(stages.clean.calls).toBe(80);
    expect(stages.resolve.calls).toBe(40);
    expect(stages.locate.calls).toBeGreaterThanOrEqual(4);
    expect(stages.qualify.calls).toBe(40);
    // Per report: what the case knows of its URL, and one to three transactions (more would be a regression).
    expect(stages.store.calls).toBeGreaterThan(40 * 2);
    expect(stages.store.calls).toBeLessThanOrEqual(40 * 4 + 10);
    for (const stage of STAGES) {
      expect(stages[stage].wallMs).toBeLessThanOrEqual(wallMs + 1);
      expect(stages[stage].wallMs).toBeLessThanOrEqual(stages[stage].busyMs + 1);
    }
    // Within one piece of work the stages follow one another: together they fit in the work's summed time.
    const summed = STAGES.reduce((total, stage) => total + stages[stage].busyMs, 0);
    expect(summed).toBeLessThanOrEqual(workMs + 1);
    expect(stages.resolve.busyMs).toBeGreaterThanOrEqual(40 * 4);
  });

  it('asks nothing again for a URL and host that a report of an earlier run resolved and located', async () => {
    const casePath = join(dir, 'shared.sqlite');
    const first = fakes();
    await triage(casePath, ['A1,http://www.shared.test/p/1.html,2026-11-02T10:00:00Z,public-form'], first, 'first');
    expect([first.asked.resolve.length, first.asked.locate.length]).toEqual([1, 1]);
    const second = fakes();
    const summary = await triage(
      casePath,
      [
        'B1,http://www.shared.test/p/1.html,2026-11-02T11:00:00Z,public-form',
        'B2,http://www.shared.test/p/2.html,2026-11-02T11:00:00Z,public-form',
      ],
      second,
      'second',
    );
    expect(summary.processed).toBe(2);
    // B1's URL is A1's: neither resolved nor located again; B2's URL is new, on a host already located.
    expect(second.asked.resolve).toEqual(['http://www.shared.test/p/2.html']);
    expect(second.asked.locate).toEqual([]);
    const store = await openCaseStore(casePath);
    try {
      const shown = await store.showReport('B1');
      expect(shown?.url?.resolution?.finalUrl).toBe('http://www.shared.test/p/1.html');
      expect(shown?.hosting?.info.target).toBe('www.shared.test');
      expect(shown?.steps.map((step) => step.step).sort()).toEqual(['hosting', 'media', 'qualify', 'resolve', 'url']);
    } finally {
      await store.close();
    }
  });
});
