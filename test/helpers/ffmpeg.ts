import { execFileSync, spawnSync } from 'node:child_process';

/** Whether ffmpeg and ffprobe run here; when not, video suites skip with this message on stderr. */
export function ffmpegAvailable(): boolean {
  const ok = ['ffmpeg', 'ffprobe'].every((tool) => spawnSync(tool, ['-version'], { stdio: 'ignore' }).status === 0);
  if (!ok) process.stderr.write('skipping video tests: ffmpeg/ffprobe not found on PATH (apt-get install ffmpeg)\n');
  return ok;
}

/** Runs ffmpeg quietly to make a test video (`args` without the leading flags). */
export function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', ['-v', 'error', '-nostdin', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** PIDs and command lines of the processes whose command line contains `marker` (none must survive a test). */
export function processesMatching(marker: string): string[] {
  const { stdout } = spawnSync('ps', ['-eo', 'pid,stat,args'], { encoding: 'utf8' });
  return stdout.split('\n').filter((line) => line.includes(marker) && !line.includes('ps -eo'));
}

/** Zombie children of this process: exited but never reaped. */
export function zombieChildren(): string[] {
  const { stdout } = spawnSync('ps', ['-o', 'pid,stat,args', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return stdout.split('\n').filter((line) => /^\s*\d+\s+Z/.test(line));
}
