/** A video file → its PDQ frame hashes (vPDQ), with the stream's properties. */
import { VigieError } from '../../core/errors.js';
import type { VideoFrameHash } from '../../core/records.js';
import { pdqFromPixels } from '../pdq.js';
import { VIDEO_MAX_PIXELS, VIDEO_TIMEOUT_SECONDS } from '../settings.js';
import { DEFAULT_FRAME_MODE, extractFrames, type ExtractResult, type FrameMode, type FrameSize } from './frames.js';
import { locateFfmpeg } from './locate.js';
import { probeVideo, type VideoInfo } from './probe.js';

/** The `video.timeoutSeconds` setting's default; `--video-timeout` changes it. */
export const DEFAULT_VIDEO_TIMEOUT_SECONDS = VIDEO_TIMEOUT_SECONDS.default;

/** The `video.maxPixels` setting's default (8K); `--max-video-pixels` changes it. */
export const DEFAULT_MAX_VIDEO_PIXELS = VIDEO_MAX_PIXELS.default;

export interface VideoHashOptions {
  frames?: FrameMode;
  /** Scale every frame to this size before hashing (aspect ratio not kept), e.g. 128x128. */
  frameSize?: FrameSize;
  /** Path of ffmpeg; ffprobe is looked for beside it (see locate.ts for the default search). */
  ffmpeg?: string;
  /** Per-file limit in seconds, probing included. */
  videoTimeout?: number;
  maxVideoPixels?: number;
  signal?: AbortSignal;
}

export interface VideoHashes {
  width: number;
  height: number;
  duration: number;
  fps: number;
  codec: string;
  frames: VideoFrameHash[];
  warnings: string[];
}

const PROBE_TIMEOUT_MS = 60_000;

const roundMilliseconds = (seconds: number) => Math.round(seconds * 1000) / 1000;

export async function hashVideo(path: string, options: VideoHashOptions = {}): Promise<VideoHashes> {
  const timeout = options.videoTimeout ?? DEFAULT_VIDEO_TIMEOUT_SECONDS;
  try {
    return await hashVideoWithin(path, options, Date.now() + timeout * 1000);
  } catch (error) {
    // Each step has its share of the per-file deadline; the user only knows the whole.
    if (error instanceof VigieError && error.code === 'timeout') {
      throw new VigieError('timeout', `video not hashed within ${timeout} s (--video-timeout): ${error.message}`);
    }
    throw error;
  }
}

async function hashVideoWithin(path: string, options: VideoHashOptions, deadline: number): Promise<VideoHashes> {
  const tools = await locateFfmpeg(options.ffmpeg);
  const remaining = () => Math.max(1, deadline - Date.now());
  const mode = options.frames ?? DEFAULT_FRAME_MODE;
  const maxPixels = options.maxVideoPixels ?? DEFAULT_MAX_VIDEO_PIXELS;
  const probing = probeVideo(tools.ffprobe, path, {
    timeoutMs: Math.min(PROBE_TIMEOUT_MS, remaining()),
    signal: options.signal,
    testKeyframeSkipping: mode.kind === 'keyframes',
  }).then((probed) => checkStream(probed, options.frameSize, maxPixels));
  probing.catch(() => undefined); // awaited below; this keeps a failure from counting as unhandled meanwhile
  // In `all` mode ffmpeg's arguments do not depend on the stream, so it starts while ffprobe runs (ffprobe's start-up
  // and analysis take ~70 ms a file, 13 % of ffmpeg's own decode time on the reference clips); its output is read
  // only once the probe has passed the stream, and ffmpeg is killed if it does not. Other modes need the probe first.
  const early = mode.kind === 'all' ? undefined : await probing;
  const warnings: string[] = [];
  const hashes: { index: number; pdq: string; quality: number }[] = [];
  const extracted = await extractFrames(
    {
      ffmpeg: tools.ffmpeg,
      path,
      mode,
      sourceSize: probing.then(({ width, height }) => ({ width, height })),
      maxPixels,
      size: options.frameSize,
      // Used by fps mode only, which waited for the probe.
      fps: early?.fps ?? 0,
      selectKeyframes: early?.skipsNonKeyFrames === false,
      timeoutMs: remaining(),
      signal: options.signal,
    },
    ({ index, rgb, width, height }) => {
      const { hash, quality } = pdqFromPixels({ data: rgb, width, height, channels: 3 });
      hashes.push({ index, pdq: hash, quality });
    },
  );
  const info = await probing;
  checkExit(extracted, warnings);
  const frames = hashes.map(({ index, pdq, quality }) => ({ ...framePosition(index, extracted, info), pdq, quality }));
  return {
    width: info.width,
    height: info.height,
    duration: roundMilliseconds(info.duration),
    fps: roundMilliseconds(info.fps),
    codec: info.codec,
    frames,
    warnings,
  };
}

/** Refuses, before any frame is read, a stream over the pixel limit or one ffmpeg cannot decode. */
function checkStream(info: VideoInfo, scaled: FrameSize | undefined, maxPixels: number): VideoInfo {
  if (info.width * info.height > maxPixels) {
    throw new VigieError(
      'too-large',
      `video is ${info.width}x${info.height} (${(info.width * info.height).toLocaleString('en')} pixels per frame), ` +
        `over the limit of ${maxPixels.toLocaleString('en')} (--max-video-pixels)`,
    );
  }
  if (scaled && scaled.width * scaled.height > maxPixels) {
    throw new VigieError(
      'too-large',
      `--frame-size ${scaled.width}x${scaled.height} is over the limit of ${maxPixels.toLocaleString('en')} pixels ` +
        '(--max-video-pixels)',
    );
  }
  if (info.sizeBeyondFfmpeg) {
    throw new VigieError('corrupt-video', `frame size ${info.width}x${info.height} is beyond what ffmpeg can decode`);
  }
  return info;
}

/**
 * Frame number and timestamp. In `all` and `fps` modes the number counts decoded frames and the timestamp is
 * number / frame rate, as in Meta's files. In keyframes mode only key frames are decoded, so the number is derived
 * from the frame's presentation time (exact for constant frame rate).
 */
function framePosition(index: number, extracted: ExtractResult, info: VideoInfo): Omit<VideoFrameHash, 'pdq' | 'quality'> {
  if (extracted.ptsTimes.length === 0) {
    const frame = index * extracted.step;
    return { frame, timestamp: roundMilliseconds(frame / info.fps) };
  }
  const pts = extracted.ptsTimes[index];
  const seconds = Number.isFinite(pts) ? Math.max(0, pts - info.startTime) : 0;
  return { frame: Math.round(seconds * info.fps), timestamp: roundMilliseconds(seconds) };
}

function checkExit(extracted: ExtractResult, warnings: string[]): void {
  const { result, frameCount, errors } = extracted;
  const firstError = errors[0] ?? 'no message';
  if (result.code !== 0) {
    if (frameCount === 0) throw new VigieError('corrupt-video', `cannot decode video: ${firstError}`);
    warnings.push(`decoding stopped with an error after ${frameCount} frames: ${firstError}`);
  } else if (errors.length > 0) {
    warnings.push(`decoder reported errors (damaged file?): ${firstError}`);
  }
  if (frameCount === 0 && result.code === 0) warnings.push('no frame could be decoded');
  if (extracted.trailingBytes > 0) warnings.push('the last frame was incomplete and was not hashed');
}
