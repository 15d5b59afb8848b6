/** Bad video inputs: each gives one clear per-file error, and no ffmpeg is left running. */
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHashError, type HashRecord } from '../../../src/core/records.js';
import { hashBytes, hashFile, type HashOptions } from '../../../src/hashing/hash-file.js';
import { Hasher } from '../../../src/hashing/hasher.js';
import { hashVideo } from '../../../src/hashing/video/hash-video.js';
import { findOnPath } from '../../../src/hashing/video/locate.js';
import { ffmpeg, ffmpegAvailable, processesMatching, zombieChildren } from '../../helpers/ffmpeg.js';

const canRun = ffmpegAvailable();
const options: HashOptions = { algorithms: ['sha256', 'vpdq'], frames: { kind: 'all' } };

function errorOf(record: HashRecord) {
  expect(isHashError(record), JSON.stringify(record)).toBe(true);
  return isHashError(record) ? record.error : undefined;
}

describe.skipIf(!canRun)('bad video inputs', () => {
  let dir: string;
  const at = (name: string) => join(dir, name);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-video-bad-'));
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=10', '-t', '3', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', at('good.mp4')]);
    const good = readFileSync(at('good.mp4'));
    // Without faststart the index (moov) is at the end: half a file has none.
    writeFileSync(at('truncated.mp4'), good.subarray(0, good.length >> 1));
    writeFileSync(at('empty.mp4'), '');
    writeFileSync(at('notes.mp4'), 'This is a text file with a video name.\n');
    ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440', '-t', '1', '-c:a', 'aac', at('audio-only.mp4')]);
    // 16384x16384 declared in the Matroska header of a tiny raw stream: nothing that big is ever allocated.
    ffmpeg(['-f', 'lavfi', '-i', 'color=black:s=256x256:r=1', '-frames:v', '1', '-c:v', 'rawvideo', '-pix_fmt', 'gray', at('small.mkv')]);
    const mkv = Buffer.from(readFileSync(at('small.mkv')));
    for (const id of [0xb0, 0xba]) mkv[mkv.indexOf(Buffer.from([id, 0x82, 0x01, 0x00])) + 2] = 0x40;
    writeFileSync(at('huge.mkv'), mkv);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('hashes the intact file (the inputs below are derived from it)', async () => {
    const record = await hashFile(at('good.mp4'), options);
    expect(record).toMatchObject({ media: 'video', width: 160, height: 120, codec: 'h264' });
  });

  it('hashBytes decodes a video from a private temporary copy, removed afterwards', async () => {
    const fromFile = await hashFile(at('good.mp4'), options);
    const leftovers = () => readdirSync(tmpdir()).filter((name) => name.startsWith('vigie-bytes-'));
    const before = leftovers();
    const fromBytes = await hashBytes(readFileSync(at('good.mp4')), 'upload.mp4', options);
    expect(fromBytes).toMatchObject({ path: 'upload.mp4', media: 'video', width: 160 });
    expect((fromBytes as { frames?: unknown }).frames).toEqual((fromFile as { frames?: unknown }).frames);
    expect(leftovers()).toEqual(before);
  });

  it('truncated mp4', async () => {
    expect(errorOf(await hashFile(at('truncated.mp4'), options))).toMatchObject({
      code: 'not-a-video',
      message: expect.stringMatching(/moov atom not found/),
    });
  });

  it('zero-length file named .mp4', async () => {
    expect(errorOf(await hashFile(at('empty.mp4'), options))).toMatchObject({ code: 'not-a-video' });
  });

  it('text file named .mp4', async () => {
    expect(errorOf(await hashFile(at('notes.mp4'), options))).toMatchObject({
      code: 'not-a-video',
      message: expect.stringMatching(/Invalid data/),
    });
  });

  it('audio-only file', async () => {
    expect(errorOf(await hashFile(at('audio-only.mp4'), options))).toEqual({
      code: 'no-video-stream',
      message: 'no video stream (streams: audio)',
    });
  });

  it('16384x16384 stream: refused by the pixel limit', async () => {
    expect(errorOf(await hashFile(at('huge.mkv'), options))).toMatchObject({
      code: 'too-large',
      message: expect.stringMatching(/16384x16384 .* over the limit of 35,389,440 \(--max-video-pixels\)/),
    });
  });

  it('a stream over a lower --max-video-pixels', async () => {
    expect(errorOf(await hashFile(at('good.mp4'), { ...options, maxVideoPixels: 160 * 120 - 1 }))).toMatchObject({
      code: 'too-large',
    });
  });

  it('a --frame-size over the pixel limit', async () => {
    const record = await hashFile(at('good.mp4'), { ...options, frameSize: { width: 16384, height: 16384 } });
    expect(errorOf(record)).toMatchObject({ code: 'too-large', message: expect.stringMatching(/^--frame-size 16384x16384/) });
  });

  describe('an ffmpeg whose decode hangs', () => {
    let fake: string;
    let seconds: string;
    beforeAll(() => {
      seconds = `${5000 + Math.floor(Math.random() * 1000)}.${process.pid}`;
      fake = join(dir, 'ffmpeg');
      writeFileSync(fake, `#!/bin/sh\nexec sleep ${seconds}\n`);
      chmodSync(fake, 0o755);
      // The probe must succeed: only the decode hangs.
      symlinkSync(findOnPath('ffprobe'), join(dir, 'ffprobe'));
    });

    it('stops at the per-file timeout and leaves no process behind', async () => {
      const record = await hashFile(at('good.mp4'), { ...options, ffmpeg: fake, videoTimeout: 1 });
      expect(errorOf(record)).toMatchObject({
        code: 'timeout',
        message: expect.stringMatching(/^video not hashed within 1 s \(--video-timeout\): ffmpeg was stopped/),
      });
      expect(processesMatching(seconds)).toEqual([]);
      expect(zombieChildren()).toEqual([]);
    });

    it('stops on abort and leaves no process behind', async () => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 300);
      await expect(hashVideo(at('good.mp4'), { ffmpeg: fake, signal: controller.signal })).rejects.toMatchObject({
        code: 'aborted',
      });
      expect(processesMatching(seconds)).toEqual([]);
    });

    it('a Hasher aborted while a worker thread hashes a video kills that ffmpeg', async () => {
      const hasher = new Hasher({ jobs: 2, ffmpeg: fake, frames: { kind: 'all' } });
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('interrupted')), 300);
      const records: HashRecord[] = [];
      const run = async () => {
        for await (const record of hasher.hashFiles([at('good.mp4')], { algorithms: ['vpdq'], signal: controller.signal })) records.push(record);
      };
      const started = Date.now();
      await expect(run()).rejects.toThrow('interrupted');
      await hasher.close();
      expect(Date.now() - started).toBeLessThan(5000);
      expect(records.map((record) => (isHashError(record) ? record.error.code : 'hashed'))).toEqual(['aborted']);
      expect(processesMatching(seconds)).toEqual([]);
    });
  });

  it('a missing ffmpeg is an environment error naming the path', async () => {
    expect(errorOf(await hashFile(at('good.mp4'), { ...options, ffmpeg: join(dir, 'no-such-ffmpeg') }))).toMatchObject({
      code: 'ffmpeg-missing',
    });
  });
});
