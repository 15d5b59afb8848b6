/**
 * ffprobe: is this a video, and what are its first video stream's size, rate, codec and duration; for keyframes mode,
 * in the same call, whether its decoder honours `-skip_frame nokey`.
 *
 * That last question is detected, not guessed from the codec name: H.264, HEVC and MPEG-4 decoders honour the option,
 * the VP9 and AV1 ones ignore it and output every frame. ffprobe decodes the first packets with the option set, and
 * any non-key frame of the video stream in its output means the option was ignored.
 */
import { VigieError } from '../../core/errors.js';
import { runToText, stderrSummary } from './process.js';

export interface VideoInfo {
  width: number;
  height: number;
  /** Average frame rate (r_frame_rate when the container gives none), as a fraction and as a number. */
  frameRate: { num: number; den: number };
  fps: number;
  /** Seconds; 0 when neither the stream nor the container says. */
  duration: number;
  /**
   * Where the video stream starts, in seconds after the start of the file. ffmpeg's output timestamps count from the
   * file's start, so this is what to subtract to count from the stream's first frame.
   */
  startTime: number;
  codec: string;
  container: string;
  /** The size was read from ffprobe's complaint that it is too large to decode (see probeVideo). */
  sizeBeyondFfmpeg?: boolean;
  /** Asked for with `testKeyframeSkipping`: the decoder outputs only key frames under `-skip_frame nokey`. */
  skipsNonKeyFrames?: boolean;
}

export interface ProbeOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  testKeyframeSkipping?: boolean;
}

/** Packets decoded (all streams together) to see whether non-key frames come out. */
const PACKETS_TESTED = 40;

interface ProbeStream {
  index?: number;
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  duration?: string;
  start_time?: string;
  disposition?: { attached_pic?: number };
}

interface ProbeOutput {
  streams?: ProbeStream[];
  format?: { duration?: string; format_name?: string; start_time?: string };
  frames?: { stream_index?: number; key_frame?: number }[];
}

export function parseRate(text: string | undefined): { num: number; den: number } | undefined {
  const match = /^(\d+)\/(\d+)$/.exec(text ?? '');
  if (!match) return undefined;
  const num = Number(match[1]);
  const den = Number(match[2]);
  return num > 0 && den > 0 ? { num, den } : undefined;
}

const seconds = (text: string | undefined) => (text !== undefined && Number.isFinite(Number(text)) ? Number(text) : undefined);

export async function probeVideo(ffprobe: string, path: string, options: ProbeOptions): Promise<VideoInfo> {
  const { timeoutMs, signal, testKeyframeSkipping } = options;
  const args = [
    '-v', 'error',
    ...(testKeyframeSkipping ? ['-skip_frame', 'nokey', '-read_intervals', `%+#${PACKETS_TESTED}`] : []),
    '-show_entries',
    'stream=index,codec_type,codec_name,width,height,avg_frame_rate,r_frame_rate,duration,start_time:' +
      'stream_disposition=attached_pic:format=duration,format_name,start_time' +
      (testKeyframeSkipping ? ':frame=stream_index,key_frame' : ''),
    '-of', 'json',
    // "file:" keeps a name like "http:x" or "-" from being read as a protocol or stdin.
    `file:${path}`,
  ];
  const { stdout, result } = await runToText(ffprobe, args, { timeoutMs, signal });
  if (result.code !== 0) {
    throw new VigieError('not-a-video', `cannot read as a video: ${stderrSummary(result.stderr, path)}`);
  }
  const output = JSON.parse(stdout) as ProbeOutput;
  // A cover picture in an audio file is a "video" stream of one still image: not a video.
  const stream = output.streams?.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  if (!stream) {
    const kinds = [...new Set((output.streams ?? []).map((s) => s.codec_type ?? 'unknown'))];
    throw new VigieError(
      'no-video-stream',
      kinds.length > 0 ? `no video stream (streams: ${kinds.join(', ')})` : 'no video stream',
    );
  }
  // ffmpeg will not even describe a stream over its own size cap (about 16255x16255): it reports 0x0 and says why
  // on stderr. That size is kept so that the pixel limit, not "no size", is what the user is told.
  const refused = /Picture size (\d+)x(\d+) is invalid/.exec(result.stderr);
  const sizeBeyondFfmpeg = !stream.width && !stream.height && refused !== null;
  const width = sizeBeyondFfmpeg ? Number(refused[1]) : (stream.width ?? 0);
  const height = sizeBeyondFfmpeg ? Number(refused[2]) : (stream.height ?? 0);
  if (width <= 0 || height <= 0) throw new VigieError('corrupt-video', 'video stream has no frame size');
  const frameRate = parseRate(stream.avg_frame_rate) ?? parseRate(stream.r_frame_rate);
  if (!frameRate) throw new VigieError('corrupt-video', 'video stream has no frame rate');
  const fileStart = seconds(output.format?.start_time) ?? 0;
  return {
    width,
    height,
    frameRate,
    fps: frameRate.num / frameRate.den,
    duration: seconds(stream.duration) ?? seconds(output.format?.duration) ?? 0,
    startTime: (seconds(stream.start_time) ?? fileStart) - fileStart,
    codec: stream.codec_name ?? 'unknown',
    container: output.format?.format_name ?? 'unknown',
    ...(sizeBeyondFfmpeg && { sizeBeyondFfmpeg }),
    ...(testKeyframeSkipping && {
      skipsNonKeyFrames: !(output.frames ?? []).some((f) => f.stream_index === stream.index && f.key_frame === 0),
    }),
  };
}
