import { describe, expect, it } from 'vitest';
import { ffmpegArguments, frameStep, parseFrameMode, parseFrameSize } from '../../../src/hashing/video/frames.js';

describe('frame modes and sizes', () => {
  it('parses --frames', () => {
    expect(parseFrameMode('keyframes')).toEqual({ kind: 'keyframes' });
    expect(parseFrameMode('all')).toEqual({ kind: 'all' });
    expect(parseFrameMode('fps:1')).toEqual({ kind: 'fps', perSecond: 1 });
    expect(parseFrameMode('fps:0.5')).toEqual({ kind: 'fps', perSecond: 0.5 });
    for (const bad of ['', 'fps:', 'fps:0', 'fps:-1', 'every', 'fps:1;rm']) {
      expect(() => parseFrameMode(bad), bad).toThrow(expect.objectContaining({ code: 'usage', exitCode: 2 }));
    }
  });

  it('parses --frame-size', () => {
    expect(parseFrameSize('128x128')).toEqual({ width: 128, height: 128 });
    for (const bad of ['128', '0x10', '128x', 'x128', '20000x10', '12.5x10']) {
      expect(() => parseFrameSize(bad), bad).toThrow(expect.objectContaining({ code: 'usage' }));
    }
  });

  it('keeps every int(fps / n)-th frame in fps mode, as Meta does', () => {
    expect(frameStep({ kind: 'fps', perSecond: 1 }, 30)).toBe(30);
    expect(frameStep({ kind: 'fps', perSecond: 1 }, 29.97)).toBe(29);
    expect(frameStep({ kind: 'fps', perSecond: 60 }, 30)).toBe(1);
    expect(frameStep({ kind: 'all' }, 30)).toBe(1);
  });
});

describe('ffmpeg arguments', () => {
  const base = { ffmpeg: 'ffmpeg', path: '-i evil;name.mp4', sourceSize: { width: 640, height: 360 }, fps: 30, timeoutMs: 1000 };

  it('reads the path as a file, never as an option or protocol', () => {
    const args = ffmpegArguments({ ...base, mode: { kind: 'all' } });
    expect(args[args.indexOf('-i') + 1]).toBe('file:-i evil;name.mp4');
  });

  it('all: every decoded frame, no filter, native size, unscaled converter', () => {
    const args = ffmpegArguments({ ...base, mode: { kind: 'all' } });
    expect(args).toEqual(expect.arrayContaining(['-map', '0:V:0', '-fps_mode', 'passthrough', '-pix_fmt', 'rgb24']));
    expect(args).not.toContain('-vf');
    expect(args).not.toContain('-s');
  });

  it('keyframes: skip_frame, plus select when the decoder ignores it', () => {
    const honoured = ffmpegArguments({ ...base, mode: { kind: 'keyframes' } });
    expect(honoured.slice(honoured.indexOf('-skip_frame'), honoured.indexOf('-skip_frame') + 2)).toEqual(['-skip_frame', 'nokey']);
    expect(honoured[honoured.indexOf('-vf') + 1]).toBe('showinfo');
    const selected = ffmpegArguments({ ...base, mode: { kind: 'keyframes' }, selectKeyframes: true });
    expect(selected[selected.indexOf('-vf') + 1]).toBe('select=eq(pict_type\\,I),showinfo');
  });

  it('fps and a frame size', () => {
    const args = ffmpegArguments({ ...base, mode: { kind: 'fps', perSecond: 2 }, size: { width: 128, height: 128 } });
    expect(args[args.indexOf('-vf') + 1]).toBe('select=not(mod(n\\,15))');
    expect(args.slice(args.indexOf('-s'), args.indexOf('-s') + 2)).toEqual(['-s', '128x128']);
    expect(args[args.indexOf('-sws_flags') + 1]).toBe('lanczos');
    expect(args).not.toContain('-cpuflags');
  });
});
