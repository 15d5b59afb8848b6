import { describe, expect, it } from 'vitest';
import { runProcess, runToText } from '../../../src/hashing/video/process.js';
import { processesMatching, zombieChildren } from '../../helpers/ffmpeg.js';

/** A sleep whose command line is unique to this test, so that `ps` can tell whether it survived. */
const marker = () => `${4000 + Math.floor(Math.random() * 1000)}.${Date.now() % 100000}`;

describe('runProcess', () => {
  it('kills and reaps the child when the consumer throws', async () => {
    const seconds = marker();
    await expect(
      runProcess('sleep', [seconds], { timeoutMs: 60_000 }, async () => {
        throw new Error('consumer failed');
      }),
    ).rejects.toThrow('consumer failed');
    expect(processesMatching(seconds)).toEqual([]);
    expect(zombieChildren()).toEqual([]);
  });

  it('kills the child at the deadline and reports a timeout', async () => {
    const seconds = marker();
    await expect(runToText('sleep', [seconds], { timeoutMs: 300 })).rejects.toMatchObject({ code: 'timeout' });
    expect(processesMatching(seconds)).toEqual([]);
    expect(zombieChildren()).toEqual([]);
  });

  it('kills the child on abort', async () => {
    const seconds = marker();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    await expect(runToText('sleep', [seconds], { timeoutMs: 60_000, signal: controller.signal })).rejects.toMatchObject({
      code: 'aborted',
    });
    expect(processesMatching(seconds)).toEqual([]);
  });

  it('reports a missing executable as an environment error (exit 4)', async () => {
    await expect(runToText('/nonexistent/ffmpeg', ['-version'], { timeoutMs: 5_000 })).rejects.toMatchObject({
      code: 'ffmpeg-missing',
      exitCode: 4,
    });
  });

  it('passes arguments without a shell', async () => {
    const { stdout, result } = await runToText('echo', ['$HOME; rm -rf /', '`id`'], { timeoutMs: 5_000 });
    expect(result.code).toBe(0);
    expect(stdout).toBe('$HOME; rm -rf / `id`\n');
  });
});
