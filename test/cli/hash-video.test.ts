import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VideoHashRecord } from '../../src/core/records.js';
import { formatVpdq } from '../../src/hashing/video/vpdq-format.js';
import { jsonLines, runVigie } from '../helpers/cli.js';
import { ffmpeg, ffmpegAvailable } from '../helpers/ffmpeg.js';

describe.skipIf(!ffmpegAvailable())('vigie hash on videos', () => {
  let dir: string;
  const at = (name: string) => join(dir, name);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-cli-video-'));
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=25', '-t', '4', '-c:v', 'libx264', '-g', '25', '-pix_fmt', 'yuv420p', at('clip.mp4')]);
    writeFileSync(at('fake.avi'), 'not a video\n');
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one JSONL record per video, the vPDQ file, and exits 3 for the bad one', async () => {
    const out = at('vpdq');
    const result = await runVigie(['hash', '--frames', 'fps:2', '--vpdq-out', out, '-f', 'jsonl', at('clip.mp4'), at('fake.avi')]);
    expect(result.code).toBe(3);
    const [video, bad] = jsonLines(result.stdout);
    expect(Object.keys(video)).toEqual(['path', 'media', 'bytes', 'width', 'height', 'duration', 'fps', 'codec', 'hashes', 'frames', 'observedAt', 'producer']);
    const record = video as unknown as Required<VideoHashRecord>;
    expect(record).toMatchObject({ media: 'video', width: 320, height: 180, duration: 4, fps: 25, codec: 'h264' });
    expect(Object.keys(record.hashes)).toEqual(['md5', 'sha1', 'sha256']);
    expect(record.frames.map((f) => f.frame)).toEqual([0, 12, 24, 36, 48, 60, 72, 84, 96]);
    expect(Object.keys(record.frames[0])).toEqual(['frame', 'timestamp', 'pdq', 'quality']);
    expect(record.frames[1].timestamp).toBe(0.48);
    expect(readFileSync(join(out, 'clip.txt'), 'utf8')).toBe(formatVpdq(record.frames));
    expect(bad).toMatchObject({ path: at('fake.avi'), error: { code: 'not-a-video' } });
    expect(result.stderr).toContain('1 of 2 files could not be hashed');
  });

  it('rejects a bad --frames value with a usage error', async () => {
    const result = await runVigie(['hash', '--frames', 'sometimes', at('clip.mp4')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--frames must be keyframes, all or fps:<n>');
  });
});
