/** `vigie doctor`'s view of video support: which ffmpeg and ffprobe, their versions, and the decoders present. */
import type { EnvironmentCheck } from '../../core/environment.js';
import { describeError } from '../../core/errors.js';
import { locateFfmpeg, type FfmpegTools } from './locate.js';
import { runToText } from './process.js';

const TIMEOUT_MS = 10_000;

/** The codecs of mp4/mov/3gp/webm/mkv/avi/flv files, with the ffmpeg decoders that read each. */
export const VIDEO_DECODERS: Record<string, string[]> = {
  h264: ['h264'],
  hevc: ['hevc'],
  vp8: ['vp8', 'libvpx'],
  vp9: ['vp9', 'libvpx-vp9'],
  av1: ['libdav1d', 'libaom-av1', 'av1'],
  mpeg4: ['mpeg4'],
  flv1: ['flv'],
  h263: ['h263'],
  mpeg2video: ['mpeg2video'],
  mjpeg: ['mjpeg'],
};

/** `-fps_mode` (frames neither dropped nor duplicated) appeared in ffmpeg 5.1. */
const MINIMUM_VERSION = [5, 1];

async function versionOf(command: string): Promise<string> {
  const { stdout, result } = await runToText(command, ['-hide_banner', '-version'], { timeoutMs: TIMEOUT_MS });
  if (result.code !== 0) throw new Error(`exited with code ${result.code}`);
  return /version (\S+)/.exec(stdout)?.[1] ?? 'unknown version';
}

function tooOld(version: string): boolean {
  const match = /^n?(\d+)\.(\d+)/.exec(version);
  if (!match) return false; // git builds ("N-12345-g…") are recent
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return major < MINIMUM_VERSION[0] || (major === MINIMUM_VERSION[0] && minor < MINIMUM_VERSION[1]);
}

async function toolCheck(name: string, path: string, origin: string): Promise<EnvironmentCheck> {
  try {
    const version = await versionOf(path);
    const old = tooOld(version);
    return {
      name,
      status: old ? 'degraded' : 'ok',
      required: true,
      detail: `${version} at ${path} (${origin})${old ? `; ${MINIMUM_VERSION.join('.')} or later is needed` : ''}`,
    };
  } catch (error) {
    return {
      name,
      status: 'missing',
      required: true,
      detail: `${describeError(error).message}; video hashing needs it (apt-get install ffmpeg, or --ffmpeg / VIGIE_FFMPEG)`,
    };
  }
}

async function decoderCheck(tools: FfmpegTools): Promise<EnvironmentCheck> {
  try {
    const { stdout } = await runToText(tools.ffmpeg, ['-hide_banner', '-decoders'], { timeoutMs: TIMEOUT_MS });
    const present = new Set(stdout.split('\n').map((line) => /^\s*V\S*\s+(\S+)/.exec(line)?.[1]));
    const rows = Object.entries(VIDEO_DECODERS).map(([codec, decoders]) => {
      const found = decoders.find((decoder) => present.has(decoder));
      return { codec, found };
    });
    const missing = rows.filter((row) => !row.found).map((row) => row.codec);
    return {
      name: 'video decoders',
      status: missing.length === 0 ? 'ok' : 'degraded',
      required: false,
      detail:
        rows.map((row) => (row.found ? `${row.codec} (${row.found})` : `${row.codec}: MISSING`)).join(', ') +
        (missing.length > 0 ? `; videos in ${missing.join(', ')} cannot be hashed` : ''),
    };
  } catch (error) {
    return { name: 'video decoders', status: 'missing', required: false, detail: describeError(error).message };
  }
}

export async function checkVideoSupport(): Promise<EnvironmentCheck[]> {
  const tools = await locateFfmpeg();
  const origin = tools.source === 'path' ? 'PATH' : tools.source === 'env' ? 'VIGIE_FFMPEG' : tools.source;
  const [ffmpeg, ffprobe] = await Promise.all([
    toolCheck('ffmpeg', tools.ffmpeg, origin),
    toolCheck('ffprobe', tools.ffprobe, tools.source === 'path' ? 'PATH' : 'beside ffmpeg, else PATH'),
  ]);
  if (ffmpeg.status === 'missing') return [ffmpeg, ffprobe];
  return [ffmpeg, ffprobe, await decoderCheck(tools)];
}
