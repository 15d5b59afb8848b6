/** ffprobe: is this a video, and what are its first video stream's size, rate, codec and duration. */
import { VigieError } from '../../core/errors.js';
import { lastStderrLine, runToText } from './process.js';

export interface VideoInfo {
  width: number;
  height: number;
  /** Average frame rate (r_frame_rate when the container gives none), as a fraction and as a number. */
  frameRate: { num: number; den: number };
  fps: number;
  /** Seconds; 0 when neither the stream nor the container says. */
  duration: number;
  /** Seconds of the first timestamp, subtracted from frame timestamps. */
  startTime: number;
  codec: string;
  container: string;
}

interface ProbeStream {
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
}

export function parseRate(text: string | undefined): { num: number; den: number } | undefined {
  const match = /^(\d+)\/(\d+)$/.exec(text ?? '');
  if (!match) return undefined;
  const num = Number(match[1]);
  const den = Number(match[2]);
  return num > 0 && den > 0 ? { num, den } : undefined;
}

const seconds = (text: string | undefined) => (text !== undefined && Number.isFinite(Number(text)) ? Number(text) : undefined);

export async function probeVideo(ffprobe: string, path: string, timeoutMs: number): Promise<VideoInfo> {
  const args = [
    '-v', 'error',
    '-show_entries',
    'stream=codec_type,codec_name,width,height,avg_frame_rate,r_frame_rate,duration,start_time:' +
      'stream_disposition=attached_pic:format=duration,format_name,start_time',
    '-of', 'json',
    // "file:" keeps a name like "http:x" or "-" from being read as a protocol or stdin.
    `file:${path}`,
  ];
  const { stdout, result } = await runToText(ffprobe, args, { timeoutMs });
  if (result.code !== 0) {
    throw new VigieError('not-a-video', `cannot read as a video: ${lastStderrLine(result.stderr)}`);
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
  const width = stream.width ?? 0;
  const height = stream.height ?? 0;
  if (width <= 0 || height <= 0) throw new VigieError('corrupt-video', 'video stream has no frame size');
  const frameRate = parseRate(stream.avg_frame_rate) ?? parseRate(stream.r_frame_rate);
  if (!frameRate) throw new VigieError('corrupt-video', 'video stream has no frame rate');
  return {
    width,
    height,
    frameRate,
    fps: frameRate.num / frameRate.den,
    duration: seconds(stream.duration) ?? seconds(output.format?.duration) ?? 0,
    startTime: seconds(stream.start_time) ?? seconds(output.format?.start_time) ?? 0,
    codec: stream.codec_name ?? 'unknown',
    container: output.format?.format_name ?? 'unknown',
  };
}
