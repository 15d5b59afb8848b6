import { ESLint } from 'eslint';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/shared.js';

// The layering rule as `npm run lint` runs it (the repository's own eslint.config.js), on imports written into files
// placed where they would live.
const eslint = new ESLint({ cwd: REPO_ROOT });

async function layeringMessages(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(REPO_ROOT, file) });
  return result.messages.filter((message) => message.ruleId === 'layers/imports').map((message) => message.message);
}

describe('layering lint rule', () => {
  it.each([
    ['src/core/x.ts', "import { hashFile } from '../hashing/index.js';", 'src/core is the bottom layer'],
    ['src/net/x.ts', "import { loadHashSet } from '../hashsets/index.js';", 'sibling domain src/hashsets'],
    ['src/matching/x.ts', "export { hashFile } from '../hashing/hash-file.js';", 'sibling domain src/hashing'],
    ['src/cli/commands/x.ts', "import { decodeImage } from '../../hashing/decode.js';", 'through its public entry'],
    ['src/cli/commands/x.ts', "import { registerHash } from './hash.js';", "another command's file"],
    ['src/cli/x.ts', "const m = await import('../net/dns.js');", 'through its public entry'],
    ['src/triage/x.ts', "import { followChain } from '../net/http.js';", 'through its public entry'],
    ['src/hashing/x.ts', "import { runCli } from '../cli/program.js';", 'must not import the CLI'],
    ['src/net/x.ts', "import * as vigie from '../index.js';", 'library root'],
  ])('%s: %s is refused', async (file, code, reason) => {
    const messages = await layeringMessages(file, code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(reason);
  });

  it.each([
    ['src/net/x.ts', "import { VigieError } from '../core/errors.js';"],
    ['src/hashing/video/x.ts', "import { hashFile } from '../hash-file.js';"],
    ['src/cli/commands/x.ts', "import { hashBatch } from '../../hashing/index.js';"],
    ['src/cli/commands/x.ts', "import { collectInputs } from '../inputs.js';"],
    // A command with subcommands in files of its own keeps them in one folder.
    ['src/cli/commands/notice/bundle.ts', "import { addInputOptions } from './index.js';"],
    ['src/triage/x.ts', "import { resolveUrl } from '../net/index.js';"],
    ['src/cli/x.ts', "import { DNS_TIMEOUT_MS } from '../net/settings.js';"],
    ['src/index.ts', "export * from './net/index.js';"],
  ])('%s: %s is allowed', async (file, code) => {
    expect(await layeringMessages(file, code)).toEqual([]);
  });
});
