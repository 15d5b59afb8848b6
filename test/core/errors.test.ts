import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeError, ERROR_CODES, ExitCode, isErrorCode, isRetryable, VigieError } from '../../src/core/errors.js';
import { REPO_ROOT } from '../helpers/shared.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('error codes', () => {
  it('say whether an item is worth retrying', () => {
    expect(isRetryable('dns-timeout')).toBe(true);
    expect(isRetryable('interrupted')).toBe(true);
    expect(isRetryable('dns-nxdomain')).toBe(false);
    expect(isRetryable('corrupt-image')).toBe(false);
    expect(isErrorCode('nxdomain')).toBe(false);
    expect(isErrorCode('dns-nxdomain')).toBe(true);
  });

  it('map Node errno codes into the list, never leaking a raw errno as a code', () => {
    const enoent = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
    expect(describeError(enoent)).toEqual({ code: 'not-found', message: 'ENOENT: no such file' });
    expect(describeError(Object.assign(new Error('x'), { code: 'EWHATEVER' })).code).toBe('system-error');
    expect(describeError(new VigieError('bad-hash', 'bad'))).toEqual({ code: 'bad-hash', message: 'bad' });
    expect(describeError(new Error('a\nb')).message).toBe('a');
    for (const code of Object.keys(ERROR_CODES)) expect(code).toMatch(/^[a-z][a-z0-9-]*$/);
  });

  it('one DNS vocabulary: no module reports a bare nxdomain/servfail or prefixes codes itself', () => {
    for (const file of sourceFiles(join(REPO_ROOT, 'src'))) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/'(nxdomain|servfail)'/);
      expect(text, file).not.toMatch(/`dns-\$\{/);
    }
  });

  it('exit codes are named constants in src/ (no literal exit numbers)', () => {
    for (const file of sourceFiles(join(REPO_ROOT, 'src'))) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/VigieError\((?:[^()]|\([^()]*\))*?,\s*(?:1|2|3|4|70)\s*(?:,\s*\{[^}]*\})?\s*\)/);
      expect(text, file).not.toMatch(/process\.exit(?:Code\s*=|\()\s*[0-9]/);
      expect(text, file).not.toMatch(/return 70;/);
    }
    expect(ExitCode.interruptedInt).toBe(130);
    expect(ExitCode.interruptedTerm).toBe(143);
  });
});
