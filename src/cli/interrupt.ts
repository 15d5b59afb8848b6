import { installProcessInterrupt, interruptedExitCode, processInterrupted } from '../core/interrupt.js';

/**
 * Aborted when the run is interrupted by SIGINT or SIGTERM (reason: a VigieError `interrupted`, exit 130/143).
 * Commands pass it to every long operation; writeBatch stops on it and removes its temporary file.
 */
export const runSignal: AbortSignal = processInterrupted;

/**
 * Installed once by main.ts: the first signal aborts runSignal (and from then on no atomic write commits), a second
 * one (or 3 s later) ends the process. The exit hook of src/core/atomic.ts removes any temporary file still open.
 */
export function installInterruptHandlers(): void {
  installProcessInterrupt((exitCode) => process.exit(exitCode));
}

/** 130 or 143 once the run was interrupted, else undefined. */
export function interruptedRunExitCode(): number | undefined {
  return runSignal.aborted ? interruptedExitCode(runSignal.reason) : undefined;
}
