/** `--vpdq-out <dir>`: one file per video in Meta's vPDQ text format, named after the video. */
import { mkdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { writeFileAtomic } from '../../core/atomic.js';
import type { VideoFrameHash } from '../../core/records.js';
import { formatVpdq } from './vpdq-format.js';

export class VpdqDirectoryWriter {
  private readonly used = new Set<string>();
  private ready: Promise<unknown> | undefined;

  constructor(private readonly directory: string) {}

  /**
   * Writes `<name>.txt` for `clip.mp4` (as Meta's sample files are named); a second video of the same name in this
   * run gets `<name>-2.txt` and so on, rather than overwriting the first. Returns the path written.
   */
  async write(videoPath: string, frames: readonly VideoFrameHash[]): Promise<string> {
    this.ready ??= mkdir(this.directory, { recursive: true });
    await this.ready;
    const stem = basename(videoPath, extname(videoPath)) || 'video';
    let name = `${stem}.txt`;
    for (let n = 2; this.used.has(name); n++) name = `${stem}-${n}.txt`;
    this.used.add(name);
    const path = join(this.directory, name);
    await writeFileAtomic(path, formatVpdq(frames));
    return path;
  }
}
