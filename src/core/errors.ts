/** Process exit codes, the same for every command (documented in README.md). */
export const ExitCode = {
  ok: 0,
  /** Findings, when the caller asked to fail on them (`--fail-on-match`, `verify`). */
  findings: 1,
  usage: 2,
  input: 3,
  environment: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * An error the user can act on: a stable machine-readable code, one clear sentence, and the exit code it maps to.
 * Anything that is not a VigieError reaching the CLI is a bug and is reported as such.
 */
export class VigieError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: ExitCode = ExitCode.input,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'VigieError';
  }
}

export interface ErrorInfo {
  code: string;
  message: string;
}

/** Turns anything thrown into a code and a one-line message, without a stack trace. */
export function describeError(error: unknown): ErrorInfo {
  if (error instanceof VigieError) return { code: error.code, message: error.message };
  const nodeCode = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof nodeCode === 'string') return { code: nodeCode.toLowerCase(), message: firstLine(message) };
  return { code: 'internal', message: firstLine(message) };
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 500 ? `${line.slice(0, 500)}…` : line;
}
