import { describe, expect, it } from 'vitest';
import { jsonLines, runVigie } from '../helpers/cli.js';
import { ffmpegAvailable } from '../helpers/ffmpeg.js';

describe.skipIf(!ffmpegAvailable())('vigie doctor: video', () => {
  it('shows ffmpeg, ffprobe and the decoders for common containers', async () => {
    const result = await runVigie(['doctor', '--json']);
    expect(result.code).toBe(0);
    const checks = jsonLines<{ name: string; status: string; detail: string }>(result.stdout);
    const byName = new Map(checks.map((check) => [check.name, check]));
    expect(byName.get('ffmpeg')).toMatchObject({ status: 'ok', required: true });
    expect(byName.get('ffprobe')).toMatchObject({ status: 'ok' });
    expect(byName.get('video decoders')?.detail).toMatch(/h264 \(h264\).*vp9.*av1/);
  });

  it('exits 4 when the ffmpeg it is told to use does not exist', async () => {
    const result = await runVigie(['doctor', '--json'], { env: { VIGIE_FFMPEG: '/nonexistent/ffmpeg' } });
    expect(result.code).toBe(4);
    const ffmpeg = jsonLines<{ name: string; status: string; detail: string }>(result.stdout).find((c) => c.name === 'ffmpeg');
    expect(ffmpeg).toMatchObject({ status: 'missing', detail: expect.stringContaining('/nonexistent/ffmpeg') });
  });
});
