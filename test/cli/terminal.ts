import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/shared.js';

/**
 * Runs the built CLI on a pseudo-terminal `columns` wide (test/helpers/pty-driver.py, which needs python3), as a
 * person at a terminal would: stdout is a TTY, so `process.stdout.columns` is the terminal's width.
 * Returns the exit code and what the terminal showed (lines as the screen shows them: CRLF as LF, a line redrawn after CR in its last state, escape sequences removed).
 */
export async function runInTerminal(args: string[], options: { columns: number; cwd?: string }): Promise<{ code: number; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-pty-'));
  const steps = join(dir, 'steps.json');
  writeFileSync(steps, '[]');
  const script = `stty cols ${options.columns} rows 50 && exec "$0" "$@"`;
  try {
    return await new Promise((resolve, reject) => {
      const child = spawn(
        'python3',
        [join(REPO_ROOT, 'test', 'helpers', 'pty-driver.py'), steps, 'sh', '-c', script, process.execPath, join(REPO_ROOT, 'bin', 'vigie.js'), ...args],
        { cwd: options.cwd ?? REPO_ROOT, env: { ...process.env, COLUMNS: '', NO_COLOR: '1' } },
      );
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.on('error', reject);
      // What stays on screen: a line redrawn after a carriage return (the progress bar) shows its last state.
      const screen = (text: string) => text.split(/\r?\n/).map((line) => line.split('\r').at(-1)).join('\n');
      child.on('close', (code) => resolve({ code: code ?? -1, output: screen(output) }));
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
