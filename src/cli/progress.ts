import { isQuiet } from './output.js';

export interface Progress {
  tick(count?: number): void;
  done(): void;
}

const SILENT: Progress = { tick() {}, done() {} };

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes}m${Math.round(seconds % 60)}s` : `${Math.floor(minutes / 60)}h${minutes % 60}m`;
}

/**
 * A progress bar with rate and ETA on stderr, only when stderr is a terminal (never in pipes, logs or CI, nor with
 * `--quiet`), redrawn at most ten times a second.
 */
export function createProgress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY || total === 0 || isQuiet()) return SILENT;
  const started = performance.now();
  let completed = 0;
  let lastDraw = 0;
  const draw = () => {
    const elapsed = (performance.now() - started) / 1000;
    const rate = completed / Math.max(elapsed, 1e-3);
    const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - 60));
    const filled = Math.round((completed / total) * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    const eta = formatDuration((total - completed) / rate);
    stream.write(`\r${label} ${bar} ${completed}/${total} ${rate.toFixed(1)}/s ETA ${eta}\x1b[K`);
  };
  return {
    tick(count = 1) {
      completed += count;
      const now = performance.now();
      if (now - lastDraw > 100 || completed === total) {
        lastDraw = now;
        draw();
      }
    },
    done() {
      stream.write('\r\x1b[K');
    },
  };
}
