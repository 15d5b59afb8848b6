/**
 * Keyframes mode survives re-encoding: a synthetic source and its re-encodings (resolution, bitrate, container,
 * H.264 → VP9) match each other >= 80 % both ways, and an unrelated synthetic video < 20 %. Key frames are forced
 * every second in every encoding (no scene-cut key frames), so that the same moments are hashed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHashError, type VideoFrameHash } from '../../../src/core/records.js';
import { hashFile } from '../../../src/hashing/hash-file.js';
import { probeVideo } from '../../../src/hashing/video/probe.js';
import { compareVideos } from '../../../src/matching/video.js';
import { ffmpeg, ffmpegAvailable } from '../../helpers/ffmpeg.js';

const canRun = ffmpegAvailable();
const H264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-g', '30', '-sc_threshold', '0', '-pix_fmt', 'yuv420p'];
const VP9 = ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-g', '30', '-keyint_min', '30'];

describe.skipIf(!canRun)('keyframes mode across re-encodings', () => {
  let dir: string;
  const at = (name: string) => join(dir, name);
  const frames = new Map<string, VideoFrameHash[]>();
  const variants: Record<string, string[]> = {
    'smaller.mp4': ['-i', 'source.mp4', '-vf', 'scale=320:180', ...H264],
    'low-bitrate.mp4': ['-i', 'source.mp4', ...H264, '-b:v', '150k'],
    'remuxed.mkv': ['-i', 'source.mp4', '-c', 'copy'],
    'vp9.webm': ['-i', 'source.mp4', ...VP9, '-b:v', '400k'],
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-video-reencode-'));
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30', '-t', '6', ...H264, at('source.mp4')]);
    ffmpeg(['-f', 'lavfi', '-i', 'mandelbrot=size=640x360:rate=30', '-t', '6', ...H264, at('unrelated.mp4')]);
    for (const [name, args] of Object.entries(variants)) {
      ffmpeg(args.map((a) => (a === 'source.mp4' ? at(a) : a)).concat(at(name)));
    }
    // Opus starts before the video (pre-skip): the file's start time is negative, the video's is not.
    ffmpeg(['-i', at('vp9.webm'), '-f', 'lavfi', '-i', 'sine', '-t', '6', '-c:v', 'copy', '-c:a', 'libopus', at('vp9-audio.webm')]);
    for (const name of ['source.mp4', 'unrelated.mp4', 'vp9-audio.webm', ...Object.keys(variants)]) {
      const record = await hashFile(at(name), { algorithms: [] });
      if (isHashError(record) || record.media !== 'video') throw new Error(`${name}: ${JSON.stringify(record)}`);
      frames.set(name, record.frames ?? []);
    }
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('hashes only the key frames, numbered by position in the stream', () => {
    expect((frames.get('source.mp4') ?? []).map((f) => [f.frame, f.timestamp])).toEqual([
      [0, 0],
      [30, 1],
      [60, 2],
      [90, 3],
      [120, 4],
      [150, 5],
    ]);
  });

  it('detects that the VP9 decoder ignores -skip_frame and selects key frames instead', async () => {
    const probe = (name: string) => probeVideo('ffprobe', at(name), { timeoutMs: 10_000, testKeyframeSkipping: true });
    expect(await probe('source.mp4')).toMatchObject({ skipsNonKeyFrames: true });
    expect(await probe('vp9.webm')).toMatchObject({ skipsNonKeyFrames: false });
    expect((frames.get('vp9.webm') ?? []).map((f) => f.frame)).toEqual([0, 30, 60, 90, 120, 150]);
  });

  it('counts timestamps from the first video frame when audio starts earlier', () => {
    expect((frames.get('vp9-audio.webm') ?? []).map((f) => [f.frame, f.timestamp])).toEqual(
      (frames.get('source.mp4') ?? []).map((f) => [f.frame, f.timestamp]),
    );
  });

  for (const name of Object.keys(variants)) {
    it(`${name} matches the source >= 80 % both ways`, () => {
      const result = compareVideos(frames.get('source.mp4') ?? [], frames.get(name) ?? []);
      expect(result.queryMatchPercent).toBeGreaterThanOrEqual(80);
      expect(result.targetMatchPercent).toBeGreaterThanOrEqual(80);
    });
  }

  it('an unrelated video matches < 20 %', () => {
    for (const name of ['source.mp4', ...Object.keys(variants)]) {
      const result = compareVideos(frames.get(name) ?? [], frames.get('unrelated.mp4') ?? []);
      expect(result.queryMatchPercent, name).toBeLessThan(20);
      expect(result.targetMatchPercent, name).toBeLessThan(20);
    }
  });
});
