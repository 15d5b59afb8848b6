import { ExitCode, VigieError } from './errors.js';

/** The signals a batch stops on, and the exit code each one means (128 + signal number, as shells report it). */
export const INTERRUPT_SIGNALS = { SIGINT: ExitCode.interruptedInt, SIGTERM: ExitCode.interruptedTerm } as const;
export type InterruptSignal = keyof typeof INTERRUPT_SIGNALS;

/** The abort reason of an interrupted run: a VigieError with code `interrupted` and exit 130 or 143. */
export function interruption(signal: InterruptSignal): VigieError {
  return new VigieError('interrupted', `interrupted by ${signal}`, INTERRUPT_SIGNALS[signal]);
}

/** The exit code an abort reason stands for: 130/143 for an interruption, else undefined. */
export function interruptedExitCode(reason: unknown): number | undefined {
  return reason instanceof VigieError && reason.code === 'interrupted' ? reason.exitCode : undefined;
}

export interface InterruptOptions {
  /** How long work in flight may take to wind down before `onForce` runs anyway. Default 3 s. */
  graceMs?: number;
  /** Called when the grace period ends or a second signal comes; the CLI exits there. */
  onForce(exitCode: number): void;
}

/**
 * Turns SIGINT/SIGTERM into an abort of `controller` (reason: interruption(signal)), so that long operations stop
 * starting work and finish or abandon what is in flight. A second signal, or the grace period, forces the end.
 * Returns a function removing the handlers.
 */
export function abortOnInterrupt(controller: AbortController, options: InterruptOptions): () => void {
  const handlers = Object.keys(INTERRUPT_SIGNALS).map((name) => {
    const signal = name as InterruptSignal;
    const handler = () => {
      if (controller.signal.aborted) {
        options.onForce(interruptedExitCode(controller.signal.reason) ?? INTERRUPT_SIGNALS[signal]);
        return;
      }
      controller.abort(interruption(signal));
      setTimeout(() => options.onForce(INTERRUPT_SIGNALS[signal]), options.graceMs ?? 3000).unref();
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}

const processController = new AbortController();

/**
 * Aborted once this process is interrupted (when installProcessInterrupt's handlers are in place): the CLI passes it
 * to every long operation, and src/core/atomic.ts commits no write after it, so that an interrupted run never makes
 * a new file appear (a store without its manifest, say) while it winds down.
 */
export const processInterrupted: AbortSignal = processController.signal;

/** abortOnInterrupt for processInterrupted: what a program (the CLI's main.ts) installs once. */
export function installProcessInterrupt(onForce: (exitCode: number) => void, graceMs?: number): () => void {
  return abortOnInterrupt(processController, { onForce, graceMs });
}
