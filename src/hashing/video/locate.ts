/**
 * Which ffmpeg and ffprobe to run, in this order: `--ffmpeg <path>`, VIGIE_FFMPEG, the binary of the optional
 * `ffmpeg-static` package (only if it is installed and its file exists: its installer downloads from outside npm and
 * may have failed), then `ffmpeg` on PATH. ffprobe is the `ffprobe` beside the chosen ffmpeg when there is one
 * (ffmpeg-static ships none), else `ffprobe` on PATH.
 */
import { existsSync } from 'node:fs';
import { basename, delimiter, dirname, join } from 'node:path';

export type FfmpegSource = 'option' | 'env' | 'ffmpeg-static' | 'path';

export interface FfmpegTools {
  ffmpeg: string;
  ffprobe: string;
  /** Where the ffmpeg path came from, for `vigie doctor`. */
  source: FfmpegSource;
}

const EXECUTABLE_SUFFIX = process.platform === 'win32' ? '.exe' : '';

/** The first `name` on PATH, or the bare name (spawn then fails with a clear "not found"). */
export function findOnPath(name: string): string {
  for (const directory of (process.env.PATH ?? '').split(delimiter)) {
    if (!directory) continue;
    const candidate = join(directory, name + EXECUTABLE_SUFFIX);
    if (existsSync(candidate)) return candidate;
  }
  return name;
}

async function ffmpegStaticPath(): Promise<string | undefined> {
  try {
    // A variable specifier: the package is optional, so neither tsc nor a bundler may insist on it being present.
    const specifier = 'ffmpeg-static';
    const module = (await import(specifier)) as { default?: unknown };
    const path = module.default;
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

function siblingFfprobe(ffmpeg: string): string | undefined {
  if (basename(ffmpeg) === ffmpeg) return undefined;
  const candidate = join(dirname(ffmpeg), `ffprobe${EXECUTABLE_SUFFIX}`);
  return existsSync(candidate) ? candidate : undefined;
}

let cachedDefault: Promise<FfmpegTools> | undefined;

export function locateFfmpeg(explicit?: string): Promise<FfmpegTools> {
  if (explicit) return Promise.resolve(toolsFor(explicit, 'option'));
  const fromEnv = process.env.VIGIE_FFMPEG;
  if (fromEnv) return Promise.resolve(toolsFor(fromEnv, 'env'));
  cachedDefault ??= ffmpegStaticPath().then((path) =>
    path ? toolsFor(path, 'ffmpeg-static') : toolsFor(findOnPath('ffmpeg'), 'path'),
  );
  return cachedDefault;
}

function toolsFor(ffmpeg: string, source: FfmpegSource): FfmpegTools {
  return { ffmpeg, ffprobe: siblingFfprobe(ffmpeg) ?? findOnPath('ffprobe'), source };
}
