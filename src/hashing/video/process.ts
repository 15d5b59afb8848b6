/**
 * A typed wrapper around child_process for ffmpeg and ffprobe: argument arrays only (never a shell), a deadline, an
 * optional AbortSignal, and the guarantee that the child is killed and reaped before the call settles, whatever
 * happens (success, timeout, error thrown by the consumer, abort), so that no ffmpeg is ever left behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { VigieError } from '../../core/errors.js';

export interface RunOptions {
  /** Kill the process after this many milliseconds. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Bytes of stderr kept (the last ones), for error messages and for parsing. */
  stderrLimit?: number;
}

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** What the consumer of a running process sees: stdout as a stream, stderr so far, and the reason it was stopped. */
export interface RunningProcess {
  readonly stdout: Readable;
  /** Stderr received so far (truncated at the front to `stderrLimit`). */
  stderr(): string;
  /** Called for every complete stderr line as it arrives. */
  onStderrLine(listener: (line: string) => void): void;
}

const DEFAULT_STDERR_LIMIT = 64 * 1024;

/**
 * Runs `command` with `args` and hands the running process to `consume`. When `consume` returns or throws, or the
 * deadline passes, or `signal` aborts, the process is killed (SIGKILL) if still running, and the call waits for its
 * exit. A timeout or abort is reported as a VigieError whatever `consume` did.
 */
export async function runProcess<T>(
  command: string,
  args: readonly string[],
  options: RunOptions,
  consume: (running: RunningProcess) => Promise<T>,
): Promise<{ value: T; result: ProcessResult }> {
  if (options.signal?.aborted) throw new VigieError('aborted', `${commandName(command)} was aborted`);
  const child = spawn(command, args, { shell: false, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
  const limit = options.stderrLimit ?? DEFAULT_STDERR_LIMIT;
  let stderr = '';
  let partialLine = '';
  const lineListeners: ((line: string) => void)[] = [];
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-limit);
    if (lineListeners.length === 0) return;
    const lines = (partialLine + chunk).split('\n');
    partialLine = lines.pop() ?? '';
    for (const line of lines) for (const listener of lineListeners) listener(line.replace(/\r$/, ''));
  });
  const exited = waitForExit(child);
  // Observed later; this keeps an early spawn failure from counting as an unhandled rejection meanwhile.
  exited.catch(() => undefined);

  let stopReason: VigieError | undefined;
  const stop = (reason: VigieError) => {
    stopReason ??= reason;
    kill(child);
  };
  const timer = setTimeout(
    () => stop(new VigieError('timeout', `${commandName(command)} was stopped after ${(options.timeoutMs / 1000).toFixed(1)} s`)),
    options.timeoutMs,
  );
  const onAbort = () => stop(new VigieError('aborted', `${commandName(command)} was aborted`));
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const running: RunningProcess = {
    stdout: child.stdout,
    stderr: () => stderr,
    onStderrLine: (listener) => lineListeners.push(listener),
  };
  let value: T;
  try {
    value = await consume(running);
    // A consumer that stopped reading early must not leave ffmpeg blocked on a full pipe.
    child.stdout.destroy();
  } catch (error) {
    kill(child);
    // Unread output would keep the pipe, and so the 'close' event, pending.
    child.stdout.destroy();
    await exited;
    throw stopReason ?? error;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
  const result = await exited;
  if (stopReason) throw stopReason;
  if (partialLine) for (const listener of lineListeners) listener(partialLine);
  return { value, result: { ...result, stderr } };
}

/** Runs a short command to completion and returns its stdout as text. */
export async function runToText(
  command: string,
  args: readonly string[],
  options: RunOptions,
): Promise<{ stdout: string; result: ProcessResult }> {
  const { value, result } = await runProcess(command, args, options, async (running) => {
    const chunks: Buffer[] = [];
    for await (const chunk of running.stdout) chunks.push(chunk);
    return Buffer.concat(chunks).toString('utf8');
  });
  return { stdout: value, result };
}

function waitForExit(child: ChildProcess): Promise<Omit<ProcessResult, 'stderr'>> {
  return new Promise((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      // A spawn failure (ENOENT, EACCES) means no process exists; nothing to reap.
      if (child.pid === undefined) {
        reject(
          new VigieError(
            'ffmpeg-missing',
            `cannot run ${child.spawnfile}: ${error.code === 'ENOENT' ? 'not found' : error.message}`,
            4,
          ),
        );
      }
    });
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
}

function kill(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

function commandName(command: string): string {
  return command.split(/[/\\]/).pop() ?? command;
}

/**
 * ffmpeg's complaints as one line: each distinct message once, without the "[mov,mp4 @ 0x…]" context or the
 * "file:<path>:" prefix (the record already names the file).
 */
export function stderrSummary(stderr: string, path: string): string {
  const messages = stderr
    .split('\n')
    .map((line) =>
      line
        .replace(/^(?:\[[^\]]*\]\s*)+/, '')
        .replace(`file:${path}: `, '')
        .trim(),
    )
    .filter(Boolean);
  const summary = [...new Set(messages)].join('; ');
  return summary.length > 300 ? `${summary.slice(0, 300)}…` : summary || 'no message';
}
