// vigie video hashing: frames per second of `--frames all` at native size on the reference clips, against ffmpeg
// alone decoding the same frames to RGB24 into /dev/null (the floor), and the realtime factor of keyframes mode on a
// synthetic 720p H.264 clip. Run: npm run build && node bench/video.js
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashBatch } from '../dist/hashing/batch.js';
import { hashFile } from '../dist/hashing/hash-file.js';
import { ffmpegArguments } from '../dist/hashing/video/frames.js';
import { probeVideo } from '../dist/hashing/video/probe.js';

const shared = resolve(process.env.VIGIE_SHARED ?? join(fileURLToPath(import.meta.url), '../../../shared'));
const clipsDir = join(shared, 'reference/vpdq/videos');

const seconds = (start) => (performance.now() - start) / 1000;
const ROUNDS = 3;
function printTable(title, headers, rows) {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  console.log(`\n## ${title}\n`);
  for (const [n, row] of cells.entries()) {
    console.log(`| ${row.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`);
    if (n === 0) console.log(`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
  }
}

/** ffmpeg alone, with exactly the arguments the hasher uses, its RGB24 output thrown away. */
function decodeOnly(path, info, mode, extra = (args) => args) {
  const args = extra(ffmpegArguments({ ffmpeg: 'ffmpeg', path, mode, sourceSize: info, fps: info.fps, timeoutMs: 0 }));
  const result = spawnSync('ffmpeg', ['-y', ...args.map((a) => (a === 'pipe:1' ? '/dev/null' : a))], { stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`ffmpeg failed on ${path}`);
}

if (!existsSync(clipsDir)) {
  console.log(`reference clips not found in ${clipsDir} (set VIGIE_SHARED): skipping the --frames all figures`);
} else {
  const clips = readdirSync(clipsDir).sort().map((name) => join(clipsDir, name));
  const infos = await Promise.all(clips.map((path) => probeVideo('ffprobe', path, { timeoutMs: 60_000 })));
  const all = { kind: 'all' };
  const withoutCpuMask = (args) => args.filter((a, i) => a !== '-cpuflags' && args[i - 1] !== '-cpuflags');
  const timed = async (work) => {
    const start = performance.now();
    await work();
    return seconds(start);
  };
  let frames = 0;
  const hashAll = (jobs) => async () => {
    frames = 0;
    for await (const record of hashBatch(clips.map((path) => ({ path })), { algorithms: [], frames: all, jobs })) {
      frames += record.frames.length;
    }
  };
  const works = {
    floor: async () => clips.forEach((path, i) => decodeOnly(path, infos[i], all)),
    simdFloor: async () => clips.forEach((path, i) => decodeOnly(path, infos[i], all, withoutCpuMask)),
    jobs1: hashAll(1),
    jobs2: hashAll(2),
  };
  // Interleaved rounds, best of each: one burst of someone else's load on this shared machine moved a single-shot
  // ratio by ±0.15.
  const best = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, work] of Object.entries(works)) best[name] = Math.min(best[name] ?? Infinity, await timed(work));
  }
  const { floor, simdFloor } = best;
  const runs = [1, 2].map((jobs) => ({ jobs, time: best[`jobs${jobs}`] }));
  const row = (label, time) => [label, time.toFixed(2), Math.round(frames / time), (time / floor).toFixed(2)];
  printTable(`--frames all, native size, ${clips.length} reference clips (${frames} frames), best of ${ROUNDS} rounds`, ['run', 's', 'frames/s', 'x floor'], [
    row('ffmpeg alone, RGB24 to /dev/null (floor, exact C YUV->RGB)', floor),
    row('ffmpeg alone with its SIMD YUV->RGB (not bit-exact)', simdFloor),
    ...runs.map((run) => row(`vigie hash --frames all -j ${run.jobs}`, run.time)),
  ]);
}

const dir = mkdtempSync(join(tmpdir(), 'vigie-bench-video-'));
try {
  const clip = join(dir, 'synthetic-720p.mp4');
  const duration = 60;
  // x264's defaults (key frame every 250 frames at most, plus scene cuts), as a phone or editor would produce.
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30', '-t', String(duration),
    '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', clip]);
  const start = performance.now();
  const record = await hashFile(clip, { algorithms: [] });
  const time = seconds(start);
  printTable('keyframes mode, synthetic 720p H.264 (testsrc2, 60 s, 30 fps)', ['key frames', 's', 'x realtime'], [
    [record.frames.length, time.toFixed(2), Math.round(duration / time)],
  ]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
