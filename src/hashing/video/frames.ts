/**
 * Frame extraction: ffmpeg decodes the first video stream and writes the selected frames to its stdout as raw RGB24,
 * which is read frame by frame into one reused buffer (frames never touch the disk).
 *
 * How the conversion is chosen (measured against Meta's published vPDQ hashes, see README "Video hashing"):
 * - at native size, swscale's unscaled YUV→RGB converter is used whatever the scaler flag; its portable C version
 *   reproduces Meta's hash files bit for bit, while the x86 MMXEXT/SSSE3 versions round differently (about half the
 *   lines differ by a few bits), so on x64 those two CPU features are masked for ffmpeg (`-cpuflags -mmxext-ssse3`,
 *   which costs some decoding speed, nothing in correctness);
 * - scaled (`--frame-size`), SWS_LANCZOS reproduces Meta's 128x128 files bit for bit where SWS_AREA matches only
 *   4–23 % of lines (Meta's current code asks for SWS_AREA; its sample files were evidently made otherwise).
 */
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { ExitCode, VigieError } from '../../core/errors.js';
import { runProcess, type ProcessResult, type RunningProcess } from './process.js';

export type FrameMode = { kind: 'keyframes' } | { kind: 'fps'; perSecond: number } | { kind: 'all' };

export const DEFAULT_FRAME_MODE: FrameMode = { kind: 'keyframes' };

export function parseFrameMode(text: string): FrameMode {
  if (text === 'keyframes' || text === 'all') return { kind: text };
  const match = /^fps:(\d+(?:\.\d+)?)$/.exec(text);
  if (match && Number(match[1]) > 0) return { kind: 'fps', perSecond: Number(match[1]) };
  throw new VigieError('usage', `--frames must be keyframes, all or fps:<n> with n > 0, not "${text}"`, ExitCode.usage);
}

export interface FrameSize {
  width: number;
  height: number;
}

export function parseFrameSize(text: string): FrameSize {
  const match = /^(\d+)x(\d+)$/.exec(text);
  const width = Number(match?.[1]);
  const height = Number(match?.[2]);
  if (!match || width < 1 || height < 1 || width > 16384 || height > 16384) {
    throw new VigieError('usage', `--frame-size must be WxH (e.g. 128x128), not "${text}"`, ExitCode.usage);
  }
  return { width, height };
}

export interface ExtractRequest {
  ffmpeg: string;
  path: string;
  mode: FrameMode;
  /**
   * Size of the decoded frames (the stream's own size for native hashing). A promise lets ffmpeg start before the
   * size is known: its output is read once the promise resolves, and ffmpeg is stopped if it rejects.
   */
  sourceSize: FrameSize | Promise<FrameSize>;
  /**
   * Frames above twice this many pixels make ffmpeg's decoder fail (its max_pixels): a backstop for a stream whose
   * probe has not yet refused it. The caller enforces the exact limit from the probe.
   */
  maxPixels?: number;
  /** Output size; absent = native. */
  size?: FrameSize;
  /** Frame rate of the stream, to turn `fps:<n>` into "every k-th frame" as Meta's hasher does. */
  fps: number;
  /** Keyframes mode: the decoder ignores `-skip_frame nokey` (see keyframes.ts), so key frames are selected. */
  selectKeyframes?: boolean;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** One extracted frame; `rgb` is only valid until the callback returns (the buffer is reused). */
export interface RawFrame {
  /** Position among the frames ffmpeg wrote (0, 1, 2, …). */
  index: number;
  rgb: Buffer;
  width: number;
  height: number;
}

export interface ExtractResult {
  frameCount: number;
  /** Keyframes mode: presentation time of each written frame, in seconds, in order. */
  ptsTimes: number[];
  /** Every k-th frame of the stream was written (fps mode; 1 for all). */
  step: number;
  /** Error lines ffmpeg printed (decode errors in damaged files), at most a few. */
  errors: string[];
  /** Bytes left over at the end that did not make a whole frame. */
  trailingBytes: number;
  result: ProcessResult;
}

const MAX_ERROR_LINES = 5;

/** The k of "keep every k-th frame" for n frames per second, as Meta's hasher computes it: int(fps / n), at least 1. */
export function frameStep(mode: FrameMode, fps: number): number {
  return mode.kind === 'fps' ? Math.max(1, Math.trunc(fps / mode.perSecond)) : 1;
}

export function ffmpegArguments(request: ExtractRequest): string[] {
  const { mode, size } = request;
  const filters: string[] = [];
  if (mode.kind === 'keyframes') {
    if (request.selectKeyframes) filters.push('select=eq(pict_type\\,I)');
    filters.push('showinfo');
  } else if (mode.kind === 'fps') {
    filters.push(`select=not(mod(n\\,${frameStep(mode, request.fps)}))`);
  }
  const maskSimdYuvToRgb = !size && process.arch === 'x64';
  return [
    '-nostdin',
    '-hide_banner',
    '-nostats',
    '-loglevel', mode.kind === 'keyframes' ? 'level+info' : 'level+error',
    ...(maskSimdYuvToRgb ? ['-cpuflags', '-mmxext-ssse3'] : []),
    ...(mode.kind === 'keyframes' ? ['-skip_frame', 'nokey'] : []),
    ...(request.maxPixels ? ['-max_pixels', String(2 * request.maxPixels)] : []),
    '-i', `file:${request.path}`,
    // V, not v: a cover picture is not the video.
    '-map', '0:V:0',
    // Neither drop nor duplicate frames: frame numbers count decoded frames.
    '-fps_mode', 'passthrough',
    ...(filters.length > 0 ? ['-vf', filters.join(',')] : []),
    '-sws_flags', size ? 'lanczos' : 'area',
    ...(size ? ['-s', `${size.width}x${size.height}`] : []),
    '-f', 'rawvideo',
    '-pix_fmt', 'rgb24',
    'pipe:1',
  ];
}

/**
 * Runs ffmpeg and calls `onFrame` for every frame, synchronously: while it runs, nothing is read, so a slow consumer
 * holds ffmpeg back through the pipe instead of filling memory.
 */
export async function extractFrames(
  request: ExtractRequest,
  onFrame: (frame: RawFrame) => void,
): Promise<ExtractResult> {
  const ptsTimes: number[] = [];
  const errors: string[] = [];
  const { value, result } = await runProcess(
    request.ffmpeg,
    ffmpegArguments(request),
    { timeoutMs: request.timeoutMs, signal: request.signal },
    async (running: RunningProcess) => {
      running.onStderrLine((line) => {
        if (line.includes('showinfo') && line.includes('pts_time:')) {
          ptsTimes.push(Number(/pts_time:\s*(-?[\d.e+-]+)/.exec(line)?.[1] ?? NaN));
        } else if (/\[(error|fatal|panic)\]/.test(line) && errors.length < MAX_ERROR_LINES) {
          errors.push(line.replace(/^.*\[(error|fatal|panic)\]\s*/, ''));
        }
      });
      const source = await request.sourceSize;
      const size = request.size ?? source;
      return readFrames(running.stdout, size, onFrame);
    },
  );
  return {
    frameCount: value.frames,
    ptsTimes,
    step: frameStep(request.mode, request.fps),
    errors,
    trailingBytes: value.trailing,
    result,
  };
}

/**
 * Frames from ffmpeg's stdout. 'data' events rather than async iteration: a frame arrives in 64 KB reads (16 to 55
 * per frame here), and the iterator's promise per read measured 3 % of the whole `--frames all` time.
 */
async function readFrames(
  stdout: Readable,
  { width, height }: FrameSize,
  onFrame: (frame: RawFrame) => void,
): Promise<{ frames: number; trailing: number }> {
  const frameBytes = width * height * 3;
  const frame = Buffer.allocUnsafe(frameBytes);
  let filled = 0;
  let index = 0;
  stdout.on('data', (chunk: Buffer) => {
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(frameBytes - filled, chunk.length - offset);
      chunk.copy(frame, filled, offset, offset + take);
      filled += take;
      offset += take;
      if (filled === frameBytes) {
        onFrame({ index: index++, rgb: frame, width, height });
        filled = 0;
      }
    }
  });
  // finished() also settles for a stream that already ended or closed (ffmpeg failed to start, or was killed).
  await finished(stdout);
  return { frames: index, trailing: filled };
}
