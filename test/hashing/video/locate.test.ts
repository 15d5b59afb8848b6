import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { findOnPath, locateFfmpeg } from '../../../src/hashing/video/locate.js';

describe('locating ffmpeg', () => {
  const saved = process.env.VIGIE_FFMPEG;
  afterEach(() => {
    if (saved === undefined) delete process.env.VIGIE_FFMPEG;
    else process.env.VIGIE_FFMPEG = saved;
  });

  it('prefers --ffmpeg, then VIGIE_FFMPEG', async () => {
    process.env.VIGIE_FFMPEG = '/opt/env/ffmpeg';
    expect(await locateFfmpeg('/opt/option/ffmpeg')).toMatchObject({ ffmpeg: '/opt/option/ffmpeg', source: 'option' });
    expect(await locateFfmpeg()).toMatchObject({ ffmpeg: '/opt/env/ffmpeg', source: 'env' });
  });

  it("uses ffmpeg-static's binary only if it exists, else PATH (ffprobe from PATH either way)", async () => {
    delete process.env.VIGIE_FFMPEG;
    // The optional package may be absent, or present without its binary (its installer needs the internet).
    const bundled = await import('ffmpeg-static' as string).then(
      (module: { default?: unknown }) => module.default,
      () => undefined,
    );
    const usable = typeof bundled === 'string' && existsSync(bundled);
    expect(await locateFfmpeg()).toEqual(
      usable
        ? { ffmpeg: bundled, ffprobe: findOnPath('ffprobe'), source: 'ffmpeg-static' }
        : { ffmpeg: findOnPath('ffmpeg'), ffprobe: findOnPath('ffprobe'), source: 'path' },
    );
  });

  it('takes the ffprobe beside an explicit ffmpeg only when there is one', async () => {
    const tools = await locateFfmpeg('/nonexistent/dir/ffmpeg');
    expect(tools.ffprobe).toBe(findOnPath('ffprobe'));
  });
});
